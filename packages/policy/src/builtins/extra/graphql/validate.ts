// Query validation against a loaded schema: gqlparser's walker and its validation rules (the
// GraphQL spec's §5 rules), reporting errors in walk order with gqlparser's messages. The rule
// for overlapping fields (§5.3.2) is checked in a simplified form: fields sharing a response
// name within one parent type must be the same field with the same arguments.

import {
  GraphQLError,
  ValueKind,
  typeName,
  typeString,
  type GArgument,
  type GDefinition,
  type GDirective,
  type GField,
  type GFieldDefinition,
  type GFragment,
  type GFragmentSpread,
  type GInlineFragment,
  type GOperation,
  type GQueryDocument,
  type GSelection,
  type GType,
  type GValue,
  type GVariableDefinition,
  type Pos,
} from './ast.ts';
import { isCompatible, isCompositeKind, isInputKind, type Schema } from './schema.ts';

interface ValueCtx {
  expected?: GType;
  definition?: GDefinition;
  expectedHasDefault: boolean;
  variable?: GVariableDefinition;
}

/** gqlparser's Value.String(). */
function valueString(v: GValue): string {
  switch (v.Kind) {
    case ValueKind.Variable:
      return '$' + v.Raw;
    case ValueKind.StringValue:
    case ValueKind.BlockValue:
      return JSON.stringify(v.Raw);
    case ValueKind.ListValue:
      return '[' + v.Children.map((c) => valueString(c.Value)).join(', ') + ']';
    case ValueKind.ObjectValue:
      return '{' + v.Children.map((c) => `${c.Name}: ${valueString(c.Value)}`).join(', ') + '}';
    default:
      return v.Raw;
  }
}

const argumentsText = (args: GArgument[]) =>
  args
    .map((a) => `${a.Name}:${valueString(a.Value)}`)
    .sort()
    .join(',');

const TYPENAME_FIELD: GFieldDefinition = {
  Description: '',
  Name: '__typename',
  Arguments: [],
  DefaultValue: null,
  Type: { NamedType: 'String', Elem: null, NonNull: true },
  Directives: [],
};

const ROOT_LOCATION: Record<string, string> = { query: 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' };

class Validator {
  readonly errors: GraphQLError[] = [];
  private currentOperation: GOperation | undefined;
  private validatedSpreads = new Set<string>();
  private usedVariables = new Set<GVariableDefinition>();
  private usedFragments = new Set<string>();

  constructor(
    private readonly schema: Schema,
    private readonly doc: GQueryDocument,
  ) {}

  private error(pos: Pos | undefined, message: string) {
    this.errors.push(new GraphQLError(message, pos, true));
  }

  private type(name: string | undefined): GDefinition | undefined {
    return name === undefined ? undefined : this.schema.types.get(name);
  }

  run() {
    for (const op of this.doc.Operations) {
      this.validatedSpreads = new Set();
      this.walkOperation(op);
    }
    for (const frag of this.doc.Fragments) {
      this.validatedSpreads = new Set();
      this.walkFragment(frag);
    }
  }

  private rootFor(op: GOperation): GDefinition | undefined {
    if (op.Operation === 'mutation') return this.schema.mutation;
    if (op.Operation === 'subscription') return this.schema.subscription;
    return this.schema.query;
  }

  private walkOperation(op: GOperation) {
    this.currentOperation = op;
    const root = this.rootFor(op);
    this.walkDirectives(root, op.Directives, ROOT_LOCATION[op.Operation] ?? 'QUERY');
    for (const v of op.VariableDefinitions) {
      this.walkDirectives(undefined, v.Directives, 'VARIABLE_DEFINITION');
      if (v.DefaultValue && v.Type) {
        this.walkValue(v.DefaultValue, { expected: v.Type, definition: this.type(typeName(v.Type)), expectedHasDefault: false });
      }
    }
    for (const sel of op.SelectionSet) this.walkSelection(root, sel);
    this.overlappingFields(op.SelectionSet, root, new Set());
    this.onOperation(op, root);
    this.currentOperation = undefined;
  }

  private walkFragment(frag: GFragment) {
    const def = this.type(frag.TypeCondition);
    this.walkDirectives(def, frag.Directives, 'FRAGMENT_DEFINITION');
    this.onFragment(frag, def);
    for (const sel of frag.SelectionSet) this.walkSelection(def, sel);
    this.overlappingFields(frag.SelectionSet, def, new Set([frag.Name]));
  }

  private walkDirectives(_parent: GDefinition | undefined, directives: GDirective[], location: string) {
    for (const dir of directives) {
      const def = this.schema.directives.get(dir.Name);
      // KnownArgumentNames, KnownDirectives, ProvidedRequiredArguments, UniqueArgumentNames
      if (def) {
        for (const arg of dir.Arguments) {
          if (!def.Arguments.some((a) => a.Name === arg.Name)) this.error(arg.pos, `Unknown argument "${arg.Name}" on directive "@${dir.Name}".`);
        }
      }
      if (!def) this.error(dir.pos, `Unknown directive "@${dir.Name}".`);
      else if (!def.Locations.includes(location)) this.error(dir.pos, `Directive "@${dir.Name}" may not be used on ${location}.`);
      if (def) {
        for (const argDef of def.Arguments) {
          if (!argDef.Type?.NonNull || argDef.DefaultValue) continue;
          if (dir.Arguments.some((a) => a.Name === argDef.Name)) continue;
          this.error(dir.pos, `Directive "@${dir.Name}" argument "${argDef.Name}" of type "${typeString(argDef.Type)}" is required, but it was not provided.`);
        }
      }
      this.uniqueArguments(dir.Arguments);
      for (const arg of dir.Arguments) {
        const argDef = def?.Arguments.find((a) => a.Name === arg.Name);
        this.walkArgument(argDef, arg);
      }
    }
    // UniqueDirectivesPerLocation
    const seen = new Set<string>();
    for (const dir of directives) {
      const def = this.schema.directives.get(dir.Name);
      if (def?.IsRepeatable) continue;
      if (seen.has(dir.Name)) this.error(dir.pos, `The directive "@${dir.Name}" can only be used once at this location.`);
      seen.add(dir.Name);
    }
  }

  private uniqueArguments(args: GArgument[]) {
    const seen = new Set<string>();
    for (const arg of args) {
      if (seen.has(arg.Name)) this.error(arg.pos, `There can be only one argument named "${arg.Name}".`);
      seen.add(arg.Name);
    }
  }

  private walkArgument(argDef: { Type: GType | null; DefaultValue: GValue | null } | undefined, arg: GArgument) {
    const ctx: ValueCtx = { expectedHasDefault: false };
    if (argDef?.Type) {
      ctx.expected = argDef.Type;
      ctx.definition = this.type(typeName(argDef.Type));
      ctx.expectedHasDefault = !!argDef.DefaultValue && argDef.DefaultValue.Kind !== ValueKind.NullValue;
    }
    this.walkValue(arg.Value, ctx);
  }

  private walkValue(value: GValue, ctx: ValueCtx) {
    if (value.Kind === ValueKind.Variable && this.currentOperation) {
      ctx.variable = this.currentOperation.VariableDefinitions.find((v) => v.Variable === value.Raw);
      if (ctx.variable) this.usedVariables.add(ctx.variable);
    }
    this.onValue(value, ctx);
    if (value.Kind === ValueKind.ObjectValue) {
      for (const child of value.Children) {
        const fieldDef = ctx.definition?.Fields.find((f) => f.Name === child.Name);
        const childCtx: ValueCtx = { expectedHasDefault: false };
        if (fieldDef?.Type) {
          childCtx.expected = fieldDef.Type;
          childCtx.definition = this.type(typeName(fieldDef.Type));
        }
        this.walkValue(child.Value, childCtx);
      }
    }
    if (value.Kind === ValueKind.ListValue) {
      for (const child of value.Children) {
        const childCtx: ValueCtx = { expectedHasDefault: false };
        if (ctx.expected?.Elem) {
          childCtx.expected = ctx.expected.Elem;
          childCtx.definition = ctx.definition;
        }
        this.walkValue(child.Value, childCtx);
      }
    }
  }

  private walkSelection(parent: GDefinition | undefined, sel: GSelection) {
    switch (sel.kind) {
      case 'Field': {
        let def: GFieldDefinition | undefined;
        if (sel.Name === '__typename') def = TYPENAME_FIELD;
        else if (parent) def = parent.Fields.find((f) => f.Name === sel.Name);
        this.onField(sel, parent, def);
        const next = def?.Type ? this.type(typeName(def.Type)) : undefined;
        for (const arg of sel.Arguments) this.walkArgument(def?.Arguments.find((a) => a.Name === arg.Name), arg);
        for (const child of sel.SelectionSet) this.walkSelection(next, child);
        this.walkDirectives(next, sel.Directives, 'FIELD');
        break;
      }
      case 'InlineFragment': {
        this.onInlineFragment(sel, parent);
        const next = sel.TypeCondition !== '' ? this.type(sel.TypeCondition) : parent;
        this.walkDirectives(next, sel.Directives, 'INLINE_FRAGMENT');
        for (const child of sel.SelectionSet) this.walkSelection(next, child);
        break;
      }
      case 'FragmentSpread': {
        const frag = this.doc.Fragments.find((f) => f.Name === sel.Name);
        const next = frag ? this.type(frag.TypeCondition) : undefined;
        this.walkDirectives(next, sel.Directives, 'FRAGMENT_SPREAD');
        this.onFragmentSpread(sel, parent, frag, next);
        if (frag && !this.validatedSpreads.has(frag.Name)) {
          this.validatedSpreads.add(frag.Name);
          for (const child of frag.SelectionSet) this.walkSelection(next, child);
        }
        break;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rules, grouped by the node they observe.

  private onField(field: GField, parent: GDefinition | undefined, def: GFieldDefinition | undefined) {
    // FieldsOnCorrectType
    if (parent && !def) this.error(field.pos, `Cannot query field "${field.Name}" on type "${parent.Name}".`);
    // KnownArgumentNames
    if (def && parent) {
      for (const arg of field.Arguments) {
        if (!def.Arguments.some((a) => a.Name === arg.Name)) {
          this.error(arg.pos, `Unknown argument "${arg.Name}" on field "${parent.Name}.${field.Name}".`);
        }
      }
    }
    // ProvidedRequiredArguments
    if (def) {
      for (const argDef of def.Arguments) {
        if (!argDef.Type?.NonNull || argDef.DefaultValue) continue;
        if (field.Arguments.some((a) => a.Name === argDef.Name)) continue;
        this.error(field.pos, `Field "${field.Name}" argument "${argDef.Name}" of type "${typeString(argDef.Type)}" is required, but it was not provided.`);
      }
    }
    // ScalarLeafs
    if (def?.Type) {
      const fieldType = this.type(typeName(def.Type));
      if (fieldType) {
        if ((fieldType.Kind === 'SCALAR' || fieldType.Kind === 'ENUM') && field.SelectionSet.length > 0) {
          this.error(field.pos, `Field "${field.Name}" must not have a selection since type "${fieldType.Name}" has no subfields.`);
        } else if (isCompositeKind(fieldType) && field.SelectionSet.length === 0) {
          this.error(field.pos, `Field "${field.Name}" of type "${typeString(def.Type)}" must have a selection of subfields.`);
        }
      }
    }
    // UniqueArgumentNames
    this.uniqueArguments(field.Arguments);
  }

  private possibleTypeNames(def: GDefinition): string[] {
    if (def.Kind === 'OBJECT') return [def.Name];
    return (this.schema.possibleTypes.get(def.Name) ?? []).map((d) => d.Name);
  }

  private overlaps(a: GDefinition, b: GDefinition): boolean {
    const bs = new Set(this.possibleTypeNames(b));
    return this.possibleTypeNames(a).some((n) => bs.has(n));
  }

  private onInlineFragment(frag: GInlineFragment, parent: GDefinition | undefined) {
    const fragType = frag.TypeCondition !== '' ? this.type(frag.TypeCondition) : undefined;
    // FragmentsOnCompositeTypes
    if (fragType && !isCompositeKind(fragType)) {
      this.error(frag.pos, `Fragment cannot condition on non composite type "${frag.TypeCondition}".`);
    }
    // KnownTypeNames
    if (frag.TypeCondition !== '' && !fragType) this.error(frag.pos, `Unknown type "${frag.TypeCondition}".`);
    // PossibleFragmentSpreads
    if (parent && fragType && !this.overlaps(fragType, parent)) {
      this.error(frag.pos, `Fragment cannot be spread here as objects of type "${parent.Name}" can never be of type "${fragType.Name}".`);
    }
  }

  private onFragmentSpread(spread: GFragmentSpread, parent: GDefinition | undefined, frag: GFragment | undefined, fragType: GDefinition | undefined) {
    // KnownFragmentNames
    if (!frag) this.error(spread.pos, `Unknown fragment "${spread.Name}".`);
    // NoUnusedFragments bookkeeping: spreads reached from operations count as uses.
    if (this.currentOperation) this.usedFragments.add(spread.Name);
    // PossibleFragmentSpreads
    if (parent && fragType && !this.overlaps(fragType, parent)) {
      this.error(spread.pos, `Fragment "${spread.Name}" cannot be spread here as objects of type "${parent.Name}" can never be of type "${fragType.Name}".`);
    }
  }

  private onFragment(frag: GFragment, def: GDefinition | undefined) {
    // FragmentsOnCompositeTypes
    if (def && !isCompositeKind(def)) this.error(frag.pos, `Fragment "${frag.Name}" cannot condition on non composite type "${frag.TypeCondition}".`);
    // KnownTypeNames
    if (!def) this.error(frag.pos, `Unknown type "${frag.TypeCondition}".`);
    // NoFragmentCycles
    const cycle = this.findCycle(frag.Name, frag.SelectionSet, [], new Set());
    if (cycle) {
      const via = cycle.slice(1);
      this.error(frag.pos, via.length ? `Cannot spread fragment "${frag.Name}" within itself via ${via.join(', ')}.` : `Cannot spread fragment "${frag.Name}" within itself.`);
    }
    // NoUnusedFragments
    if (!this.usedFragments.has(frag.Name)) this.error(frag.pos, `Fragment "${frag.Name}" is never used.`);
    // UniqueFragmentNames
    if (this.doc.Fragments.filter((f) => f.Name === frag.Name).length > 1 && this.doc.Fragments.find((f) => f.Name === frag.Name) !== frag) {
      this.error(frag.pos, `There can be only one fragment named "${frag.Name}".`);
    }
  }

  private findCycle(target: string, selections: GSelection[], path: string[], visited: Set<string>): string[] | undefined {
    for (const sel of selections) {
      if (sel.kind === 'FragmentSpread') {
        if (sel.Name === target) return [target, ...path];
        if (visited.has(sel.Name)) continue;
        visited.add(sel.Name);
        const frag = this.doc.Fragments.find((f) => f.Name === sel.Name);
        if (frag) {
          const found = this.findCycle(target, frag.SelectionSet, [...path, sel.Name], visited);
          if (found) return found;
        }
      } else if (sel.SelectionSet.length) {
        const found = this.findCycle(target, sel.SelectionSet, path, visited);
        if (found) return found;
      }
    }
    return undefined;
  }

  private onOperation(op: GOperation, root: GDefinition | undefined) {
    // KnownRootType
    if (!root) this.error(op.pos, `Schema does not support operation type "${op.Operation}"`);
    // KnownTypeNames
    for (const v of op.VariableDefinitions) {
      if (v.Type && !this.type(typeName(v.Type))) this.error(v.Type.pos ?? v.pos, `Unknown type "${typeName(v.Type)}".`);
    }
    // LoneAnonymousOperation
    if (op.Name === '' && this.doc.Operations.length > 1) this.error(op.pos, 'This anonymous operation must be the only defined operation.');
    // NoUnusedVariables
    for (const v of op.VariableDefinitions) {
      if (this.usedVariables.has(v)) continue;
      this.error(v.pos, op.Name !== '' ? `Variable "$${v.Variable}" is never used in operation "${op.Name}".` : `Variable "$${v.Variable}" is never used.`);
    }
    // SingleFieldSubscriptions
    if (op.Operation === 'subscription' && op.SelectionSet.length > 1) {
      this.error(op.SelectionSet[1]!.pos, op.Name !== '' ? `Subscription "${op.Name}" must select only one top level field.` : 'Anonymous Subscription must select only one top level field.');
    }
    // UniqueOperationNames
    if (op.Name !== '' && this.doc.Operations.find((o) => o.Name === op.Name) !== op) {
      this.error(op.pos, `There can be only one operation named "${op.Name}".`);
    }
    // UniqueVariableNames
    const seen = new Set<string>();
    for (const v of op.VariableDefinitions) {
      if (seen.has(v.Variable)) this.error(v.pos, `There can be only one variable named "$${v.Variable}".`);
      seen.add(v.Variable);
    }
    // VariablesAreInputTypes
    for (const v of op.VariableDefinitions) {
      const def = v.Type ? this.type(typeName(v.Type)) : undefined;
      if (def && !isInputKind(def)) this.error(v.pos, `Variable "$${v.Variable}" cannot be non-input type "${typeString(v.Type!)}".`);
    }
  }

  /** Fields of a selection set that apply to `parent` itself (same-type fragments flattened). */
  private collectFields(selections: GSelection[], parent: GDefinition | undefined, seen: Set<string>, out: GField[]) {
    for (const sel of selections) {
      if (sel.kind === 'Field') out.push(sel);
      else if (sel.kind === 'InlineFragment') {
        if (sel.TypeCondition === '' || sel.TypeCondition === parent?.Name) this.collectFields(sel.SelectionSet, parent, seen, out);
      } else if (!seen.has(sel.Name)) {
        const frag = this.doc.Fragments.find((f) => f.Name === sel.Name);
        if (frag && frag.TypeCondition === parent?.Name) {
          seen.add(sel.Name);
          this.collectFields(frag.SelectionSet, parent, seen, out);
        }
      }
    }
  }

  private overlappingFields(selections: GSelection[], parent: GDefinition | undefined, seen: Set<string>) {
    if (!parent) return;
    const fields: GField[] = [];
    this.collectFields(selections, parent, new Set(seen), fields);
    const byKey = new Map<string, GField[]>();
    for (const f of fields) byKey.set(f.Alias || f.Name, [...(byKey.get(f.Alias || f.Name) ?? []), f]);
    for (const [key, group] of byKey) {
      const first = group[0]!;
      for (const other of group.slice(1)) {
        let reason: string | undefined;
        if (other.Name !== first.Name) reason = `${first.Name} and ${other.Name} are different fields`;
        else if (argumentsText(other.Arguments) !== argumentsText(first.Arguments)) reason = 'they have differing arguments';
        if (reason) {
          this.error(other.pos, `Fields "${key}" conflict because ${reason}. Use different aliases on the fields to fetch both if this was intentional.`);
          return;
        }
      }
      const def = first.Name === '__typename' ? undefined : parent.Fields.find((f) => f.Name === first.Name);
      const next = def?.Type ? this.type(typeName(def.Type)) : undefined;
      if (next && group.some((f) => f.SelectionSet.length)) {
        this.overlappingFields(group.flatMap((f) => f.SelectionSet), next, seen);
      }
    }
  }

  private onValue(value: GValue, ctx: ValueCtx) {
    // NoUndefinedVariables
    if (this.currentOperation && value.Kind === ValueKind.Variable && !ctx.variable) {
      const op = this.currentOperation;
      this.error(value.pos, op.Name !== '' ? `Variable "$${value.Raw}" is not defined by operation "${op.Name}".` : `Variable "$${value.Raw}" is not defined.`);
    }
    // UniqueInputFieldNames
    if (value.Kind === ValueKind.ObjectValue) {
      const seen = new Set<string>();
      for (const c of value.Children) {
        if (seen.has(c.Name)) this.error(c.pos, `There can be only one input field named "${c.Name}".`);
        seen.add(c.Name);
      }
    }
    // ValuesOfCorrectType
    this.valuesOfCorrectType(value, ctx);
    // VariablesInAllowedPosition
    if (value.Kind === ValueKind.Variable && ctx.expected && ctx.variable?.Type && this.currentOperation) {
      const expected = { ...ctx.expected };
      const dv = ctx.variable.DefaultValue;
      if (((dv && dv.Kind !== ValueKind.NullValue) || ctx.expectedHasDefault) && expected.NonNull) expected.NonNull = false;
      if (!isCompatible(ctx.variable.Type, expected)) {
        this.error(
          value.pos,
          `Variable "${valueString(value)}" of type "${typeString(ctx.variable.Type)}" used in position expecting type "${typeString(ctx.expected)}".`,
        );
      }
    }
  }

  private valuesOfCorrectType(value: GValue, ctx: ValueCtx) {
    const def = ctx.definition;
    const expected = ctx.expected;
    if (!def || !expected) return;
    if (def.Kind === 'SCALAR' && !['Int', 'Float', 'String', 'Boolean', 'ID'].includes(def.Name)) return;
    const unexpected = () => this.error(value.pos, `Expected type ${typeString(expected)}, found ${valueString(value)}.`);
    const oneOf = (...names: string[]) => names.includes(def.Name);
    switch (value.Kind) {
      case ValueKind.NullValue:
        if (expected.NonNull) unexpected();
        break;
      case ValueKind.ListValue:
        if (!expected.Elem) unexpected();
        break;
      case ValueKind.IntValue:
        if (!oneOf('Int', 'Float', 'ID')) unexpected();
        else if (def.Name === 'Int' && !/^-?\d+$/.test(value.Raw)) unexpected();
        break;
      case ValueKind.FloatValue:
        if (!oneOf('Float')) unexpected();
        break;
      case ValueKind.StringValue:
      case ValueKind.BlockValue:
        if (def.Kind === 'ENUM') unexpected();
        else if (!oneOf('String', 'ID')) unexpected();
        break;
      case ValueKind.EnumValue:
        if (def.Kind !== 'ENUM' || !def.EnumValues.some((e) => e.Name === value.Raw)) unexpected();
        break;
      case ValueKind.BooleanValue:
        if (!oneOf('Boolean')) unexpected();
        break;
      case ValueKind.ObjectValue:
        for (const field of def.Fields) {
          if (field.Type?.NonNull && !value.Children.some((c) => c.Name === field.Name) && !field.DefaultValue) {
            this.error(value.pos, `Field ${def.Name}.${field.Name} of required type ${typeString(field.Type)} was not provided.`);
          }
        }
        for (const child of value.Children) {
          if (!def.Fields.some((f) => f.Name === child.Name)) this.error(child.pos, `Field "${child.Name}" is not defined by type ${def.Name}.`);
        }
        break;
    }
  }
}

/** Validates `doc` against `schema`; returns the errors in gqlparser's order (empty if valid). */
export function validateQuery(schema: Schema, doc: GQueryDocument): GraphQLError[] {
  const v = new Validator(schema, doc);
  v.run();
  return v.errors;
}
