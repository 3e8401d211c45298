import { RObject, RSet, type Value } from '../../value.ts';

// walk(x) is a relation: it yields `[path, value]` for x and every value nested in it, in
// pre-order. `emit` returns true to stop.

export function walkRelation(args: Value[], emit: (v: Value) => boolean): boolean {
  return walkValue(args[0]!, [], emit);
}

function walkValue(v: Value, path: Value[], emit: (v: Value) => boolean): boolean {
  if (emit([[...path], v])) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      if (walkValue(v[i]!, path, emit)) return true;
      path.pop();
    }
  } else if (v instanceof RObject) {
    for (const [k, x] of v.entries()) {
      path.push(k);
      if (walkValue(x, path, emit)) return true;
      path.pop();
    }
  } else if (v instanceof RSet) {
    for (const m of v.values()) {
      path.push(m);
      if (walkValue(m, path, emit)) return true;
      path.pop();
    }
  }
  return false;
}
