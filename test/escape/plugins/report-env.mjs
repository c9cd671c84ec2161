// A diagnostic report lists the real environment of the process.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('report-env', (t) => String(process.report.getReport().environmentVariables[t.envName]));
