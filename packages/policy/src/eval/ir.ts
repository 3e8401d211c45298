import type { Value } from '../value.ts';
import type { Annotation, Location } from '../syntax/ast.ts';

// The compiled form that the evaluator runs. Bodies are chains of closures ("steps"): each step
// does its work and calls the next step once per solution, so backtracking is plain JS control
// flow. Variables live in a per-rule frame array, addressed by slot.

/** Variable slots of one rule/query evaluation. `undefined` = unbound. */
export type Frame = (Value | undefined)[];
/** Called once per solution; return true to stop the enumeration (early exit). */
export type Cont = () => boolean;
export type Step = (f: Frame, k: Cont) => boolean;

export const enum TK {
  Const,
  Var,
  Array,
  Object,
  Set,
  Ref,
}

export type CTerm = CConst | CVar | CArray | CObject | CSet | CRef;

export interface CConst {
  readonly k: TK.Const;
  readonly v: Value;
}
export interface CVar {
  readonly k: TK.Var;
  readonly slot: number;
  readonly name: string;
}
export interface CArray {
  readonly k: TK.Array;
  readonly items: CTerm[];
}
export interface CObject {
  readonly k: TK.Object;
  readonly keys: CTerm[];
  readonly values: CTerm[];
}
export interface CSet {
  readonly k: TK.Set;
  readonly items: CTerm[];
}
/** `input.a[x]`, `data.p.q`, `x.y[0]`: evaluated by walking `path` from the root. */
export interface CRef {
  readonly k: TK.Ref;
  readonly root: 'input' | 'data' | 'term';
  /** For `term` roots: the head (a var or composite). */
  readonly head?: CTerm;
  readonly path: CTerm[];
  readonly loc?: Location;
}

export type RuleKind = 'complete' | 'multi' | 'object' | 'function';

export interface CRule {
  readonly kind: RuleKind;
  /** Full path (`data.pkg.p.q`) of the rule's ground prefix, for messages. */
  readonly path: string;
  readonly loc: Location | undefined;
  nslots: number;
  body: Step;
  /** Ref terms after the ground prefix (general ref heads), plugged per solution. */
  suffix: CTerm[];
  /** Single-value rules and functions: the head value. */
  value?: CTerm;
  /** Multi-value rules: the member. */
  key?: CTerm;
  /** Functions: argument patterns. */
  args?: CTerm[];
  /** The head value is a constant: stop at the first solution of the body. */
  constValue?: Value;
  isDefault: boolean;
  else?: CRule;
  annotations?: Annotation[];
  /** Index of this definition among the group's rules (for metadata lookups). */
  index: number;
}

let nextGroupId = 0;

/** The rules defined at one path of the rule tree. */
export class RuleGroup {
  readonly id = nextGroupId++;
  complete: CRule[] = [];
  defaultRule: CRule | undefined;
  multi: CRule[] = [];
  /** Single-value rules with variables in the head ref (partial objects, general refs). */
  object: CRule[] = [];
  functions: CRule[] = [];
  defaultFunction: CRule | undefined;
  /** Every definition's head value is the same constant: one solution settles the value. */
  earlyExit = false;
  /** Set by the compiler before lowering: the path defines a function. */
  declaredFunction = false;
  constructor(
    readonly node: TreeNode,
    readonly path: string,
  ) {}
  get isFunction(): boolean {
    return this.declaredFunction || this.functions.length > 0 || this.defaultFunction !== undefined;
  }
  get hasValueRules(): boolean {
    return this.complete.length > 0 || this.defaultRule !== undefined || this.multi.length > 0 || this.object.length > 0;
  }
}

let nextNodeId = 0;

export class TreeNode {
  readonly id = nextNodeId++;
  readonly children = new Map<string, TreeNode>();
  /** Child keys in insertion order (the map is keyed by canonical key). */
  readonly childKeys: Value[] = [];
  group: RuleGroup | undefined;
  constructor(
    readonly key: Value | undefined,
    readonly path: Value[],
    readonly parent: TreeNode | undefined,
  ) {}
}
