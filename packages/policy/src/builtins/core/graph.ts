// graph.reachable and graph.reachable_paths over adjacency objects (node → array/set of nodes).

import { RObject, RSet, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge } from '../work.ts';
import { def, obj, operandError } from './helpers.ts';
import { typeName } from '../../value.ts';

/** Neighbours listed by an edge value; anything but an array or set lists none. */
function vertices(v: Value | undefined): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.values();
  return [];
}

function initialNodes(name: string, v: Value): readonly Value[] {
  if (!Array.isArray(v) && !(v instanceof RSet)) {
    throw operandError(name, 2, `must be {array, set} but got ${typeName(v)}`);
  }
  return vertices(v);
}

function reachable([g, init]: Value[], ctx: BuiltinContext): Value {
  const name = 'graph.reachable';
  const graph = obj(name, g!, 1);
  const queue = [...initialNodes(name, init!)];
  const reached = new RSet();
  // Breadth-first; a read index instead of shift() keeps long queues linear.
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const next = vertices(edges);
    charge(ctx, 1 + next.length);
    for (const n of next) if (!reached.has(n)) queue.push(n);
    reached.add(node);
  }
  return reached;
}

// The number of paths can grow exponentially with the graph (every path of a layered DAG is
// listed), so each step charges the evaluation budget.
function buildPaths(graph: RObject, root: Value, path: Value[], out: RSet, reached: RSet, ctx: BuiltinContext): void {
  const edges = graph.get(root);
  charge(ctx, 1 + path.length);
  if (edges === undefined) {
    out.add(path); // node not in the graph: the path ends before it
    return;
  }
  const here = [...path, root];
  const next = vertices(edges);
  if (next.length === 0) {
    out.add(here);
    return;
  }
  const seen = RSet.from([...reached.values(), root]);
  for (const n of next) {
    if (seen.has(n)) out.add(here); // cycle: the path ends here
    else buildPaths(graph, n, here, out, seen, ctx);
  }
}

function reachablePaths([g, init]: Value[], ctx: BuiltinContext): Value {
  const name = 'graph.reachable_paths';
  const graph = obj(name, g!, 1);
  const out = new RSet();
  for (const node of initialNodes(name, init!)) {
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const next = vertices(edges);
    if (next.length === 0) out.add([node]);
    for (const n of next) buildPaths(graph, n, [node], out, RSet.from([node]), ctx);
  }
  return out;
}

export const graphBuiltins: BuiltinDef[] = [
  def('graph.reachable', 2, reachable),
  def('graph.reachable_paths', 2, reachablePaths),
];
