// A static import of a module outside the plugin's folder: refused while loading.
import secret from '../outside/secret-module.mjs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('static-import', () => secret);
