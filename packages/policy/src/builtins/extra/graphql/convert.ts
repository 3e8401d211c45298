// Conversion between gqlparser-shaped ASTs and Rego values. Output follows OPA: the Go structs'
// JSON with Position dropped and, recursively, every null, empty array and empty object removed
// (false, 0 and "" stay). Input accepts the same shape back (OPA round-trips it through
// encoding/json, so keys match case-insensitively and missing fields take zero values).

import { RObject, type Value } from '../../../value.ts';
import type {
  GArgument,
  GArgumentDefinition,
  GChildValue,
  GDefinition,
  GDirective,
  GDirectiveDefinition,
  GEnumValueDefinition,
  GFieldDefinition,
  GFragment,
  GOperation,
  GQueryDocument,
  GSchemaDefinition,
  GSchemaDocument,
  GSelection,
  GType,
  GValue,
  GVariableDefinition,
} from './ast.ts';

type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/** OPA's pruneIrrelevantGraphQLASTNodes on plain data, producing a Rego value. */
function prune(x: Plain): Value | undefined {
  if (x === null) return undefined;
  if (Array.isArray(x)) {
    const out: Value[] = [];
    for (const e of x) {
      const v = prune(e);
      if (v === undefined) continue;
      if ((Array.isArray(v) && v.length === 0) || (v instanceof RObject && v.size === 0)) continue;
      out.push(v);
    }
    return out;
  }
  if (typeof x === 'object') {
    const o = new RObject();
    for (const [k, e] of Object.entries(x)) {
      const v = prune(e);
      if (v === undefined) continue;
      if ((Array.isArray(v) && v.length === 0) || (v instanceof RObject && v.size === 0)) continue;
      o.set(k, v);
    }
    return o;
  }
  return x;
}

const typeJSON = (t: GType | null): Plain => (t ? { NamedType: t.NamedType, Elem: typeJSON(t.Elem), NonNull: t.NonNull } : null);

const valueJSON = (v: GValue | null): Plain =>
  v
    ? {
        Raw: v.Raw,
        Children: v.Children.map((c: GChildValue) => ({ Name: c.Name, Value: valueJSON(c.Value) })),
        Kind: v.Kind,
        Definition: null,
        VariableDefinition: null,
        ExpectedType: null,
        ExpectedTypeHasDefault: false,
      }
    : null;

const argsJSON = (a: GArgument[]): Plain => a.map((x) => ({ Name: x.Name, Value: valueJSON(x.Value) }));
const directivesJSON = (d: GDirective[]): Plain =>
  d.map((x) => ({ Name: x.Name, Arguments: argsJSON(x.Arguments), Location: x.Location, ParentDefinition: null, Definition: null }));

function selectionJSON(s: GSelection): Plain {
  switch (s.kind) {
    case 'Field':
      return {
        Alias: s.Alias,
        Name: s.Name,
        Arguments: argsJSON(s.Arguments),
        Directives: directivesJSON(s.Directives),
        SelectionSet: s.SelectionSet.map(selectionJSON),
        Definition: null,
        ObjectDefinition: null,
      };
    case 'FragmentSpread':
      return { Name: s.Name, Directives: directivesJSON(s.Directives), ObjectDefinition: null, Definition: null };
    case 'InlineFragment':
      return { TypeCondition: s.TypeCondition, Directives: directivesJSON(s.Directives), SelectionSet: s.SelectionSet.map(selectionJSON), ObjectDefinition: null };
  }
}

const varDefsJSON = (v: GVariableDefinition[]): Plain =>
  v.map((x) => ({ Variable: x.Variable, Type: typeJSON(x.Type), DefaultValue: valueJSON(x.DefaultValue), Directives: directivesJSON(x.Directives), Definition: null, Used: false }));

export function queryToValue(doc: GQueryDocument): Value {
  return prune({
    Operations: doc.Operations.map((o: GOperation) => ({
      Operation: o.Operation,
      Name: o.Name,
      VariableDefinitions: varDefsJSON(o.VariableDefinitions),
      Directives: directivesJSON(o.Directives),
      SelectionSet: o.SelectionSet.map(selectionJSON),
    })),
    Fragments: doc.Fragments.map((f: GFragment) => ({
      Name: f.Name,
      VariableDefinition: varDefsJSON(f.VariableDefinition),
      TypeCondition: f.TypeCondition,
      Directives: directivesJSON(f.Directives),
      SelectionSet: f.SelectionSet.map(selectionJSON),
      Definition: null,
    })),
  })!;
}

const argDefsJSON = (a: GArgumentDefinition[]): Plain =>
  a.map((x) => ({ Description: x.Description, Name: x.Name, DefaultValue: valueJSON(x.DefaultValue), Type: typeJSON(x.Type), Directives: directivesJSON(x.Directives) }));

const definitionJSON = (d: GDefinition): Plain => ({
  Kind: d.Kind,
  Description: d.Description,
  Name: d.Name,
  Directives: directivesJSON(d.Directives),
  Interfaces: d.Interfaces,
  Fields: d.Fields.map((f: GFieldDefinition) => ({
    Description: f.Description,
    Name: f.Name,
    Arguments: argDefsJSON(f.Arguments),
    DefaultValue: valueJSON(f.DefaultValue),
    Type: typeJSON(f.Type),
    Directives: directivesJSON(f.Directives),
  })),
  Types: d.Types,
  EnumValues: d.EnumValues.map((e: GEnumValueDefinition) => ({ Description: e.Description, Name: e.Name, Directives: directivesJSON(e.Directives) })),
  BuiltIn: d.BuiltIn,
});

const schemaDefJSON = (s: GSchemaDefinition): Plain => ({
  Description: s.Description,
  Directives: directivesJSON(s.Directives),
  OperationTypes: s.OperationTypes.map((o) => ({ Operation: o.Operation, Type: o.Type })),
});

export function schemaToValue(doc: GSchemaDocument): Value {
  return prune({
    Schema: doc.Schema.map(schemaDefJSON),
    SchemaExtension: doc.SchemaExtension.map(schemaDefJSON),
    Directives: doc.Directives.map((d: GDirectiveDefinition) => ({
      Description: d.Description,
      Name: d.Name,
      Arguments: argDefsJSON(d.Arguments),
      Locations: d.Locations,
      IsRepeatable: d.IsRepeatable,
    })),
    Definitions: doc.Definitions.map(definitionJSON),
    Extensions: doc.Extensions.map(definitionJSON),
  })!;
}

// ---------------------------------------------------------------------------------------------
// From Rego values (documents passed as objects)

export class ASTShapeError extends Error {}

/** Field lookup as encoding/json does it: exact key first, then case-insensitive. */
function field(o: Value | undefined, name: string): Value | undefined {
  if (!(o instanceof RObject)) return undefined;
  const exact = o.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [k, v] of o.entries()) if (typeof k === 'string' && k.toLowerCase() === lower) return v;
  return undefined;
}

function str(o: Value | undefined, name: string): string {
  const v = field(o, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ASTShapeError(`json: cannot unmarshal into field ${name} of type string`);
  return v;
}

function bool(o: Value | undefined, name: string): boolean {
  const v = field(o, name);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ASTShapeError(`json: cannot unmarshal into field ${name} of type bool`);
  return v;
}

function list<T>(o: Value | undefined, name: string, each: (v: Value) => T): T[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ASTShapeError(`json: cannot unmarshal into field ${name} of type list`);
  return v.map(each);
}

function obj(v: Value): RObject {
  if (!(v instanceof RObject)) throw new ASTShapeError('json: cannot unmarshal non-object into AST node');
  return v;
}

function typeFrom(v: Value | undefined): GType | null {
  if (v === undefined || v === null) return null;
  obj(v);
  return { NamedType: str(v, 'NamedType'), Elem: typeFrom(field(v, 'Elem')), NonNull: bool(v, 'NonNull') };
}

function valueFrom(v: Value | undefined): GValue | null {
  if (v === undefined || v === null) return null;
  obj(v);
  const kind = field(v, 'Kind');
  return {
    Raw: str(v, 'Raw'),
    Kind: typeof kind === 'number' ? kind : 0,
    Children: list(v, 'Children', (c) => ({ Name: str(c, 'Name'), Value: valueFrom(field(c, 'Value')) ?? { Raw: '', Kind: 6, Children: [] } })),
  };
}

const argsFrom = (o: Value, name: string): GArgument[] =>
  list(o, name, (a) => ({ Name: str(a, 'Name'), Value: valueFrom(field(a, 'Value')) ?? { Raw: '', Kind: 6, Children: [] } }));

const directivesFrom = (o: Value): GDirective[] =>
  list(o, 'Directives', (d) => ({ Name: str(d, 'Name'), Arguments: argsFrom(d, 'Arguments'), Location: str(d, 'Location') }));

function selectionFrom(v: Value): GSelection {
  obj(v);
  if (field(v, 'Alias') !== undefined || field(v, 'Arguments') !== undefined) {
    return { kind: 'Field', Alias: str(v, 'Alias'), Name: str(v, 'Name'), Arguments: argsFrom(v, 'Arguments'), Directives: directivesFrom(v), SelectionSet: list(v, 'SelectionSet', selectionFrom) };
  }
  if (field(v, 'TypeCondition') !== undefined || field(v, 'SelectionSet') !== undefined) {
    return { kind: 'InlineFragment', TypeCondition: str(v, 'TypeCondition'), Directives: directivesFrom(v), SelectionSet: list(v, 'SelectionSet', selectionFrom) };
  }
  return { kind: 'FragmentSpread', Name: str(v, 'Name'), Directives: directivesFrom(v) };
}

const varDefsFrom = (o: Value, name: string): GVariableDefinition[] =>
  list(o, name, (d) => ({ Variable: str(d, 'Variable'), Type: typeFrom(field(d, 'Type')), DefaultValue: valueFrom(field(d, 'DefaultValue')), Directives: directivesFrom(d) }));

export function queryFromValue(v: RObject): GQueryDocument {
  return {
    Operations: list(v, 'Operations', (o) => ({
      Operation: str(o, 'Operation'),
      Name: str(o, 'Name'),
      VariableDefinitions: varDefsFrom(o, 'VariableDefinitions'),
      Directives: directivesFrom(o),
      SelectionSet: list(o, 'SelectionSet', selectionFrom),
    })),
    Fragments: list(v, 'Fragments', (f) => ({
      Name: str(f, 'Name'),
      VariableDefinition: varDefsFrom(f, 'VariableDefinition'),
      TypeCondition: str(f, 'TypeCondition'),
      Directives: directivesFrom(f),
      SelectionSet: list(f, 'SelectionSet', selectionFrom),
    })),
  };
}

const argDefsFrom = (o: Value): GArgumentDefinition[] =>
  list(o, 'Arguments', (a) => ({ Description: str(a, 'Description'), Name: str(a, 'Name'), DefaultValue: valueFrom(field(a, 'DefaultValue')), Type: typeFrom(field(a, 'Type')), Directives: directivesFrom(a) }));

const definitionFrom = (d: Value): GDefinition => ({
  Kind: str(d, 'Kind'),
  Description: str(d, 'Description'),
  Name: str(d, 'Name'),
  Directives: directivesFrom(d),
  Interfaces: list(d, 'Interfaces', (x) => (typeof x === 'string' ? x : '')),
  Fields: list(d, 'Fields', (f) => ({
    Description: str(f, 'Description'),
    Name: str(f, 'Name'),
    Arguments: argDefsFrom(f),
    DefaultValue: valueFrom(field(f, 'DefaultValue')),
    Type: typeFrom(field(f, 'Type')),
    Directives: directivesFrom(f),
  })),
  Types: list(d, 'Types', (x) => (typeof x === 'string' ? x : '')),
  EnumValues: list(d, 'EnumValues', (e) => ({ Description: str(e, 'Description'), Name: str(e, 'Name'), Directives: directivesFrom(e) })),
  BuiltIn: bool(d, 'BuiltIn'),
});

const schemaDefFrom = (s: Value): GSchemaDefinition => ({
  Description: str(s, 'Description'),
  Directives: directivesFrom(s),
  OperationTypes: list(s, 'OperationTypes', (o) => ({ Operation: str(o, 'Operation'), Type: str(o, 'Type') })),
});

export function schemaFromValue(v: RObject): GSchemaDocument {
  return {
    Schema: list(v, 'Schema', schemaDefFrom),
    SchemaExtension: list(v, 'SchemaExtension', schemaDefFrom),
    Directives: list(v, 'Directives', (d) => ({
      Description: str(d, 'Description'),
      Name: str(d, 'Name'),
      Arguments: argDefsFrom(d),
      Locations: list(d, 'Locations', (x) => (typeof x === 'string' ? x : '')),
      IsRepeatable: bool(d, 'IsRepeatable'),
    })),
    Definitions: list(v, 'Definitions', definitionFrom),
    Extensions: list(v, 'Extensions', definitionFrom),
  };
}
