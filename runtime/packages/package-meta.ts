/**
 * Does a plugin's `meta` agree with the package it was installed from? A plugin's
 * meta.name may be the package name, its unscoped part, or for a JSR package
 * (`@jsr/scope__name`) its JSR name `@scope/name`; meta.version must be the package
 * version. The runtime warns about each disagreement, naming both values.
 */
import { npmToJsrName } from './specifier.js';

export function acceptedMetaNames(packageName: string): Set<string> {
  const names = new Set([packageName, packageName.split('/').pop()!]);
  const jsr = npmToJsrName(packageName);
  if (jsr) {
    names.add(jsr);
    names.add(jsr.split('/').pop()!);
  }
  return names;
}

export function packageMetaMismatch(pkg: { name: string; version: string }, meta: { name: string; version: string }): string[] {
  const problems: string[] = [];
  const names = acceptedMetaNames(pkg.name);
  if (!names.has(meta.name)) {
    problems.push(`meta.name ${JSON.stringify(meta.name)} is not the package's name (${[...names].map((n) => JSON.stringify(n)).join(' or ')})`);
  }
  if (pkg.version !== meta.version) {
    problems.push(`meta.version ${JSON.stringify(meta.version)} is not the package's version ${JSON.stringify(pkg.version)}`);
  }
  return problems;
}
