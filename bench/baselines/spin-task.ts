/**
 * The task of the task-throughput scenario, as a piscina task file: a small CPU-bound
 * job (the kind of stateless task a plugin hands to a pool), returning a number.
 */
export function spin({ n }: { n: number }): number {
  let acc = 0;
  for (let i = 1; i <= n; i++) acc += Math.sqrt(i) % 7;
  return acc;
}

export default spin;
