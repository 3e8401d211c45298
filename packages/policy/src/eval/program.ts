import type { Value } from '../value.ts';
import { keyOf } from '../value.ts';
import type { Module } from '../syntax/ast.ts';
import { RuleGroup, TreeNode } from './ir.ts';

// A compiled set of modules: the rule tree (virtual documents) and function table. Immutable after
// compilation and shared by all evaluations.

export class CompiledProgram {
  readonly root = new TreeNode(undefined, [], undefined);
  /** Rule groups by data path key (`data.pkg.p`). */
  readonly groups = new Map<string, RuleGroup>();
  constructor(readonly modules: readonly Module[]) {}

  nodeAt(path: readonly Value[]): TreeNode | undefined {
    let n: TreeNode | undefined = this.root;
    for (const p of path) {
      n = n.children.get(keyOf(p));
      if (!n) return undefined;
    }
    return n;
  }

  ensureNode(path: readonly Value[]): TreeNode {
    let n = this.root;
    for (let i = 0; i < path.length; i++) {
      const p = path[i]!;
      const k = keyOf(p);
      let c = n.children.get(k);
      if (!c) {
        c = new TreeNode(p, path.slice(0, i + 1), n);
        n.children.set(k, c);
        n.childKeys.push(p);
      }
      n = c;
    }
    return n;
  }

  /** Function group at a data path key, if the path defines a function. */
  funcGroup(key: string): RuleGroup | undefined {
    const g = this.groups.get(key);
    return g && g.isFunction ? g : undefined;
  }
}
