/**
 * The size of a structured-clone value, in bytes, counted up to a bound: a walk that
 * stops as soon as it passes `bound`, so measuring a 600 MB value costs no more than
 * measuring one just over the cap, and a small value costs a few property reads.
 * Close to what the value takes in the structured-clone format, not exact.
 */
export function sizeUpTo(value: unknown, bound: number): number {
  let total = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= bound) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        total += v.length * 2 + 8;
        continue;
      case 'number':
      case 'bigint':
        total += 9;
        continue;
      case 'boolean':
      case 'undefined':
        total += 1;
        continue;
      case 'object':
        break;
      default:
        total += 1;
        continue;
    }
    if (v === null) {
      total += 1;
      continue;
    }
    const object = v as object;
    if (seen.has(object)) {
      total += 4;
      continue;
    }
    seen.add(object);
    if (ArrayBuffer.isView(object)) {
      total += object.byteLength + 16;
    } else if (object instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && object instanceof SharedArrayBuffer)) {
      total += object.byteLength + 16;
    } else if (object instanceof Map) {
      // At least a byte an entry, counted before the walk: a huge collection stops here.
      total += 8 + object.size * 2;
      if (total <= bound) for (const [k, item] of object) stack.push(k, item);
    } else if (object instanceof Set) {
      total += 8 + object.size;
      if (total <= bound) for (const item of object) stack.push(item);
    } else if (Array.isArray(object)) {
      total += 8 + object.length;
      if (total <= bound) for (let i = 0; i < object.length; i++) stack.push(object[i]);
    } else {
      total += 8;
      for (const key of Object.keys(object)) {
        total += key.length * 2 + 8;
        stack.push((object as Record<string, unknown>)[key]);
      }
    }
  }
  return total;
}
