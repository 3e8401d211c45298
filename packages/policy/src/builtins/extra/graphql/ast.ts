// The GraphQL AST in the shape of vektah/gqlparser (which OPA embeds), so that the JSON OPA
// returns for parsed documents can be reproduced field for field. `pos` is internal (line and
// column for error messages) and is never serialised, like gqlparser's `json:"-"` Position.

export interface Pos {
  line: number;
  column: number;
}

export const ValueKind = {
  Variable: 0,
  IntValue: 1,
  FloatValue: 2,
  StringValue: 3,
  BlockValue: 4,
  BooleanValue: 5,
  NullValue: 6,
  EnumValue: 7,
  ListValue: 8,
  ObjectValue: 9,
} as const;

export interface GType {
  NamedType: string;
  Elem: GType | null;
  NonNull: boolean;
  pos?: Pos;
}

export interface GValue {
  Raw: string;
  Children: GChildValue[];
  Kind: number;
  pos?: Pos;
}

export interface GChildValue {
  Name: string;
  Value: GValue;
  pos?: Pos;
}

export interface GArgument {
  Name: string;
  Value: GValue;
  pos?: Pos;
}

export interface GDirective {
  Name: string;
  Arguments: GArgument[];
  Location: string;
  pos?: Pos;
}

export interface GField {
  kind: 'Field';
  Alias: string;
  Name: string;
  Arguments: GArgument[];
  Directives: GDirective[];
  SelectionSet: GSelection[];
  pos?: Pos;
}

export interface GFragmentSpread {
  kind: 'FragmentSpread';
  Name: string;
  Directives: GDirective[];
  pos?: Pos;
}

export interface GInlineFragment {
  kind: 'InlineFragment';
  TypeCondition: string;
  Directives: GDirective[];
  SelectionSet: GSelection[];
  pos?: Pos;
}

export type GSelection = GField | GFragmentSpread | GInlineFragment;

export interface GVariableDefinition {
  Variable: string;
  Type: GType | null;
  DefaultValue: GValue | null;
  Directives: GDirective[];
  pos?: Pos;
}

export interface GOperation {
  Operation: string;
  Name: string;
  VariableDefinitions: GVariableDefinition[];
  Directives: GDirective[];
  SelectionSet: GSelection[];
  pos?: Pos;
}

export interface GFragment {
  Name: string;
  VariableDefinition: GVariableDefinition[];
  TypeCondition: string;
  Directives: GDirective[];
  SelectionSet: GSelection[];
  pos?: Pos;
}

export interface GQueryDocument {
  Operations: GOperation[];
  Fragments: GFragment[];
}

export interface GArgumentDefinition {
  Description: string;
  Name: string;
  DefaultValue: GValue | null;
  Type: GType | null;
  Directives: GDirective[];
  pos?: Pos;
}

export interface GFieldDefinition extends GArgumentDefinition {
  Arguments: GArgumentDefinition[];
}

export interface GEnumValueDefinition {
  Description: string;
  Name: string;
  Directives: GDirective[];
  pos?: Pos;
}

export interface GDefinition {
  Kind: string;
  Description: string;
  Name: string;
  Directives: GDirective[];
  Interfaces: string[];
  Fields: GFieldDefinition[];
  Types: string[];
  EnumValues: GEnumValueDefinition[];
  BuiltIn: boolean;
  pos?: Pos;
}

export interface GDirectiveDefinition {
  Description: string;
  Name: string;
  Arguments: GArgumentDefinition[];
  Locations: string[];
  IsRepeatable: boolean;
  pos?: Pos;
}

export interface GOperationTypeDefinition {
  Operation: string;
  Type: string;
  pos?: Pos;
}

export interface GSchemaDefinition {
  Description: string;
  Directives: GDirective[];
  OperationTypes: GOperationTypeDefinition[];
  pos?: Pos;
}

export interface GSchemaDocument {
  Schema: GSchemaDefinition[];
  SchemaExtension: GSchemaDefinition[];
  Directives: GDirectiveDefinition[];
  Definitions: GDefinition[];
  Extensions: GDefinition[];
}

export function typeName(t: GType): string {
  return t.Elem ? typeName(t.Elem) : t.NamedType;
}

/** gqlparser's Type.String(): `[Foo!]!`. */
export function typeString(t: GType): string {
  const inner = t.Elem ? `[${typeString(t.Elem)}]` : t.NamedType;
  return t.NonNull ? inner + '!' : inner;
}

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly pos: Pos | undefined,
    /** Validation errors lose their final period in OPA's messages; syntax errors keep theirs. */
    readonly validation = false,
  ) {
    super(message);
  }

  /** OPA's rendering: `<message> in GraphQL string at location <line>:<column>`. */
  opaMessage(): string {
    const text = this.validation ? this.message.replace(/\.$/, '') : this.message;
    return `${text} in GraphQL string at location ${this.pos?.line ?? 0}:${this.pos?.column ?? 0}`;
  }
}
