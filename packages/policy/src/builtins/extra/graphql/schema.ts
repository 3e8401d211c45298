// Schema loading and validation as gqlparser's validator.ValidateSchemaDocument does it, over
// the built-in prelude (spec scalars, directives and introspection types) merged with the user's
// document. Works on a deep copy, so the caller's AST is never changed.

import { GraphQLError, typeName, typeString, type GArgumentDefinition, type GDefinition, type GDirective, type GDirectiveDefinition, type GFieldDefinition, type GSchemaDocument, type GType, type Pos } from './ast.ts';
import { parseSchema } from './parser.ts';

/** The implicitly declared types and directives every schema has (GraphQL spec §3 and §4). */
const PRELUDE = `
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields: [__InputValue!]
  ofType: __Type
  specifiedBy: String
}
type __Field {
  name: String!
  description: String
  args: [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
}
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive {
  name: String!
  description: String
  locations: [__DirectiveLocation!]!
  args: [__InputValue!]!
  isRepeatable: Boolean!
}
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION
  SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
`;

let preludeDoc: GSchemaDocument | undefined;

export interface Schema {
  types: Map<string, GDefinition>;
  directives: Map<string, GDirectiveDefinition>;
  possibleTypes: Map<string, GDefinition[]>;
  implements: Map<string, GDefinition[]>;
  query?: GDefinition;
  mutation?: GDefinition;
  subscription?: GDefinition;
}

const err = (pos: Pos | undefined, message: string) => new GraphQLError(message, pos);
const quote = (s: string) => JSON.stringify(s);

export const isInputKind = (d: GDefinition | undefined) => !!d && (d.Kind === 'SCALAR' || d.Kind === 'ENUM' || d.Kind === 'INPUT_OBJECT');
export const isCompositeKind = (d: GDefinition | undefined) => !!d && (d.Kind === 'OBJECT' || d.Kind === 'INTERFACE' || d.Kind === 'UNION');

/** gqlparser's Type.IsCompatible. */
export function isCompatible(t: GType, other: GType): boolean {
  if (t.NamedType !== other.NamedType) return false;
  if (t.Elem && !other.Elem) return false;
  if (t.Elem && !isCompatible(t.Elem, other.Elem!)) return false;
  if (other.NonNull) return t.NonNull;
  return true;
}

function add(map: Map<string, GDefinition[]>, key: string, def: GDefinition | undefined) {
  if (!def) return;
  const list = map.get(key) ?? [];
  list.push(def);
  map.set(key, list);
}

export function loadSchema(userDoc: GSchemaDocument): Schema {
  preludeDoc ??= parseSchema(PRELUDE, true);
  const doc: GSchemaDocument = structuredClone({
    Schema: [...preludeDoc.Schema, ...userDoc.Schema],
    SchemaExtension: [...preludeDoc.SchemaExtension, ...userDoc.SchemaExtension],
    Directives: [...preludeDoc.Directives, ...userDoc.Directives],
    Definitions: [...preludeDoc.Definitions, ...userDoc.Definitions],
    Extensions: [...preludeDoc.Extensions, ...userDoc.Extensions],
  });
  const schema: Schema = { types: new Map(), directives: new Map(), possibleTypes: new Map(), implements: new Map() };

  for (const def of doc.Definitions) {
    if (schema.types.has(def.Name)) throw err(def.pos, `Cannot redeclare type ${def.Name}.`);
    schema.types.set(def.Name, def);
  }
  const defs = [...doc.Definitions];
  for (const ext of doc.Extensions) {
    let def = schema.types.get(ext.Name);
    if (!def) {
      def = { Kind: ext.Kind, Description: '', Name: ext.Name, Directives: [], Interfaces: [], Fields: [], Types: [], EnumValues: [], BuiltIn: false, pos: ext.pos };
      schema.types.set(ext.Name, def);
      defs.push(def);
    }
    if (def.Kind !== ext.Kind) throw err(ext.pos, `Cannot extend type ${ext.Name} because the base type is a ${def.Kind}, not ${ext.Kind}.`);
    def.Directives.push(...ext.Directives);
    def.Interfaces.push(...ext.Interfaces);
    def.Fields.push(...ext.Fields);
    def.Types.push(...ext.Types);
    def.EnumValues.push(...ext.EnumValues);
  }
  for (const def of defs) {
    switch (def.Kind) {
      case 'UNION':
        for (const t of def.Types) {
          add(schema.possibleTypes, def.Name, schema.types.get(t));
          add(schema.implements, t, def);
        }
        break;
      case 'INPUT_OBJECT':
      case 'OBJECT':
        for (const intf of def.Interfaces) {
          add(schema.possibleTypes, intf, def);
          add(schema.implements, def.Name, schema.types.get(intf));
        }
        add(schema.possibleTypes, def.Name, def);
        break;
      case 'INTERFACE':
        for (const intf of def.Interfaces) {
          add(schema.possibleTypes, intf, def);
          add(schema.implements, def.Name, schema.types.get(intf));
        }
        break;
    }
  }
  for (const dir of doc.Directives) {
    if (schema.directives.has(dir.Name) && !['include', 'skip', 'deprecated', 'specifiedBy'].includes(dir.Name)) {
      throw err(dir.pos, `Cannot redeclare directive ${dir.Name}.`);
    }
    schema.directives.set(dir.Name, dir);
  }
  if (doc.Schema.length > 1) throw err(doc.Schema[1]!.pos, 'Cannot have multiple schema entry points, consider schema extensions instead.');
  for (const s of [...doc.Schema, ...doc.SchemaExtension]) {
    for (const entry of s.OperationTypes) {
      const def = schema.types.get(entry.Type);
      if (!def) throw err(entry.pos, `Schema root ${entry.Operation} refers to a type ${entry.Type} that does not exist.`);
      if (entry.Operation === 'query') schema.query = def;
      else if (entry.Operation === 'mutation') schema.mutation = def;
      else if (entry.Operation === 'subscription') schema.subscription = def;
    }
  }

  for (const name of [...schema.types.keys()].sort(byteOrder)) validateDefinition(schema, schema.types.get(name)!);
  for (const name of [...schema.directives.keys()].sort(byteOrder)) {
    const dir = schema.directives.get(name)!;
    validateName(dir.pos, dir.Name);
    validateArgs(schema, dir.Arguments, dir);
  }

  if (doc.Schema.length === 0) {
    schema.query ??= schema.types.get('Query');
    schema.mutation ??= schema.types.get('Mutation');
    schema.subscription ??= schema.types.get('Subscription');
  }
  if (schema.query) {
    schema.query.Fields.push(
      { Description: '', Name: '__schema', Arguments: [], DefaultValue: null, Type: { NamedType: '__Schema', Elem: null, NonNull: true }, Directives: [] },
      {
        Description: '',
        Name: '__type',
        Arguments: [{ Description: '', Name: 'name', DefaultValue: null, Type: { NamedType: 'String', Elem: null, NonNull: true }, Directives: [] }],
        DefaultValue: null,
        Type: { NamedType: '__Type', Elem: null, NonNull: false },
        Directives: [],
      },
    );
  }
  return schema;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const nameOf = (t: GType | null) => (t ? typeName(t) : '');

function validateName(pos: Pos | undefined, name: string) {
  if (name.startsWith('__')) throw err(pos, `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`);
}

function validateTypeRef(schema: Schema, t: GType | null) {
  if (!t || !schema.types.has(typeName(t))) throw err(t?.pos, `Undefined type ${nameOf(t)}.`);
}

function validateArgs(schema: Schema, args: GArgumentDefinition[], current: GDirectiveDefinition | undefined) {
  for (const arg of args) {
    validateName(arg.pos, arg.Name);
    validateTypeRef(schema, arg.Type);
    const def = schema.types.get(nameOf(arg.Type));
    if (!isInputKind(def)) {
      throw err(arg.pos, `cannot use ${typeString(arg.Type!)} as argument ${arg.Name} because ${def!.Kind} is not a valid input type`);
    }
    validateDirectives(schema, arg.Directives, 'ARGUMENT_DEFINITION', current);
  }
}

function validateDirectives(schema: Schema, dirs: GDirective[], location: string, current: GDirectiveDefinition | undefined) {
  for (const dir of dirs) {
    validateName(dir.pos, dir.Name);
    if (current && dir.Name === current.Name) throw err(dir.pos, `Directive ${current.Name} cannot refer to itself.`);
    const def = schema.directives.get(dir.Name);
    if (!def) throw err(dir.pos, `Undefined directive ${dir.Name}.`);
    if (!def.Locations.includes(location)) throw err(dir.pos, `Directive ${dir.Name} is not applicable on ${location}.`);
  }
}

function validateDefinition(schema: Schema, def: GDefinition) {
  for (const field of def.Fields) {
    validateName(field.pos, field.Name);
    validateTypeRef(schema, field.Type);
    validateArgs(schema, field.Arguments, undefined);
    validateDirectives(schema, field.Directives, def.Kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION', undefined);
  }
  for (const t of def.Types) {
    const td = schema.types.get(t);
    if (!td) throw err(def.pos, `Undefined type ${quote(t)}.`);
    if (td.Kind !== 'OBJECT') throw err(def.pos, `${def.Kind} type ${quote(t)} must be OBJECT.`);
  }
  for (const intf of def.Interfaces) validateImplements(schema, def, intf);
  switch (def.Kind) {
    case 'OBJECT':
    case 'INTERFACE':
      if (def.Fields.length === 0) throw err(def.pos, `${def.Kind} ${def.Name}: must define one or more fields.`);
      for (const field of def.Fields) {
        const t = schema.types.get(nameOf(field.Type));
        if (t && !['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'].includes(t.Kind)) {
          throw err(field.pos, `${def.Kind} ${def.Name}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.`);
        }
      }
      break;
    case 'ENUM':
      if (def.EnumValues.length === 0) throw err(def.pos, `${def.Kind} ${def.Name}: must define one or more unique enum values.`);
      for (const v of def.EnumValues) {
        if (v.Name === 'true' || v.Name === 'false' || v.Name === 'null') throw err(def.pos, `${def.Kind} ${def.Name}: non-enum value ${v.Name}.`);
      }
      break;
    case 'INPUT_OBJECT':
      if (def.Fields.length === 0) throw err(def.pos, `${def.Kind} ${def.Name}: must define one or more input fields.`);
      for (const field of def.Fields) {
        const t = schema.types.get(nameOf(field.Type));
        if (t && !['SCALAR', 'ENUM', 'INPUT_OBJECT'].includes(t.Kind)) {
          throw err(field.pos, `${t.Kind} ${field.Name}: field must be one of SCALAR, ENUM, INPUT_OBJECT.`);
        }
      }
      break;
  }
  for (let i = 0; i < def.Fields.length; i++) {
    for (const f2 of def.Fields.slice(i + 1)) {
      if (def.Fields[i]!.Name === f2.Name) throw err(f2.pos, `Field ${def.Name}.${f2.Name} can only be defined once.`);
    }
  }
  if (!def.BuiltIn) validateName(def.pos, def.Name);
  validateDirectives(schema, def.Directives, def.Kind, undefined);
}

function isCovariant(schema: Schema, required: GType, actual: GType): boolean {
  if (required.NonNull && !actual.NonNull) return false;
  if (required.NamedType !== '') {
    if (required.NamedType === actual.NamedType) return true;
    return (schema.possibleTypes.get(required.NamedType) ?? []).some((pt) => pt.Name === actual.NamedType);
  }
  if (required.Elem && !actual.Elem) return false;
  return isCovariant(schema, required.Elem!, actual.Elem!);
}

function validateImplements(schema: Schema, def: GDefinition, intfName: string) {
  const intf = schema.types.get(intfName);
  if (!intf) throw err(def.pos, `Undefined type ${quote(intfName)}.`);
  if (intf.Kind !== 'INTERFACE') throw err(def.pos, `${quote(intfName)} is a non interface type ${intf.Kind}.`);
  for (const required of intf.Fields) {
    const found = def.Fields.find((f) => f.Name === required.Name);
    if (!found) throw err(def.pos, `For ${def.Name} to implement ${intf.Name} it must have a field called ${required.Name}.`);
    if (required.Type && found.Type && !isCovariant(schema, required.Type, found.Type)) {
      throw err(found.pos, `For ${def.Name} to implement ${intf.Name} the field ${required.Name} must have type ${typeString(required.Type)}.`);
    }
    for (const reqArg of required.Arguments) {
      const foundArg = found.Arguments.find((a) => a.Name === reqArg.Name);
      if (!foundArg) {
        throw err(found.pos, `For ${def.Name} to implement ${intf.Name} the field ${required.Name} must have the same arguments but it is missing ${reqArg.Name}.`);
      }
      if (reqArg.Type && foundArg.Type && !isCompatible(reqArg.Type, foundArg.Type)) {
        throw err(foundArg.pos, `For ${def.Name} to implement ${intf.Name} the field ${required.Name} must have the same arguments but ${reqArg.Name} has the wrong type.`);
      }
    }
    for (const extra of found.Arguments) {
      if (!required.Arguments.some((a) => a.Name === extra.Name) && extra.Type?.NonNull && !extra.DefaultValue) {
        throw err(
          extra.pos,
          `For ${def.Name} to implement ${intf.Name} any additional arguments on ${found.Name} must be optional or have a default value but ${extra.Name} is required.`,
        );
      }
    }
  }
  for (const transitive of intf.Interfaces) {
    if (!def.Interfaces.includes(transitive)) {
      if (transitive === def.Name) throw err(def.pos, `Type ${def.Name} cannot implement ${intfName} because it would create a circular reference.`);
      throw err(def.pos, `Type ${def.Name} must implement ${transitive} because it is implemented by ${intfName}.`);
    }
  }
}

export type { GFieldDefinition };
