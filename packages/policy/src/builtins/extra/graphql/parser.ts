// Recursive-descent GraphQL parser producing gqlparser-shaped ASTs, with gqlparser's grammar
// quirks (e.g. `some` lists that must not be empty) and its error messages. The first error wins
// and is thrown, which matches gqlparser keeping only its first error.

import {
  GraphQLError,
  ValueKind,
  type GArgument,
  type GArgumentDefinition,
  type GChildValue,
  type GDefinition,
  type GDirective,
  type GDirectiveDefinition,
  type GEnumValueDefinition,
  type GField,
  type GFieldDefinition,
  type GFragment,
  type GOperation,
  type GOperationTypeDefinition,
  type GQueryDocument,
  type GSchemaDefinition,
  type GSchemaDocument,
  type GSelection,
  type GType,
  type GValue,
  type GVariableDefinition,
  type Pos,
} from './ast.ts';
import { Lexer, Tok, tokenString, type TokKind, type Token } from './lexer.ts';

const DIRECTIVE_LOCATIONS = new Set([
  'QUERY', 'MUTATION', 'SUBSCRIPTION', 'FIELD', 'FRAGMENT_DEFINITION', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION', 'SCHEMA', 'SCALAR', 'OBJECT', 'FIELD_DEFINITION', 'ARGUMENT_DEFINITION', 'INTERFACE', 'UNION',
  'ENUM', 'ENUM_VALUE', 'INPUT_OBJECT', 'INPUT_FIELD_DEFINITION',
]);

class Parser {
  private readonly lexer: Lexer;
  private peeked: Token | undefined;
  private prev: Token | undefined;

  constructor(input: string) {
    this.lexer = new Lexer(input);
  }

  peek(): Token {
    this.peeked ??= this.lexer.next();
    return this.peeked;
  }

  private peekPos(): Pos {
    return this.peek().pos;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    if (t.error) throw t.error;
    this.prev = t;
    return t;
  }

  error(tok: Token, message: string): never {
    throw new GraphQLError(message, tok.pos);
  }

  expectKeyword(value: string): Token {
    const tok = this.peek();
    if (tok.kind === Tok.Name && tok.value === value) return this.next();
    return this.error(tok, `Expected ${JSON.stringify(value)}, found ${tokenString(tok)}`);
  }

  expect(kind: TokKind): Token {
    const tok = this.peek();
    if (tok.kind === kind) return this.next();
    return this.error(tok, `Expected ${kind}, found ${tok.kind}`);
  }

  skip(kind: TokKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  unexpected(tok: Token = this.peek()): never {
    return this.error(tok, `Unexpected ${tokenString(tok)}`);
  }

  many(start: TokKind, end: TokKind, cb: () => void) {
    if (!this.skip(start)) return;
    while (this.peek().kind !== end) cb();
    this.next();
  }

  some(start: TokKind, end: TokKind, cb: () => void) {
    if (!this.skip(start)) return;
    let called = false;
    while (this.peek().kind !== end) {
      called = true;
      cb();
    }
    if (!called) this.error(this.peek(), `expected at least one definition, found ${this.peek().kind}`);
    this.next();
  }

  // -------------------------------------------------------------------------------------------
  // Shared pieces

  parseName(): string {
    return this.expect(Tok.Name).value;
  }

  parseVariable(): string {
    this.expect(Tok.Dollar);
    return this.parseName();
  }

  parseOperationType(): string {
    const tok = this.next();
    if (tok.value === 'query' || tok.value === 'mutation' || tok.value === 'subscription') return tok.value;
    return this.unexpected(tok);
  }

  parseValueLiteral(isConst: boolean): GValue {
    const token = this.peek();
    let kind: number;
    switch (token.kind) {
      case Tok.BracketL:
        return this.parseList(isConst);
      case Tok.BraceL:
        return this.parseObject(isConst);
      case Tok.Dollar:
        if (isConst) this.unexpected();
        return { Raw: this.parseVariable(), Children: [], Kind: ValueKind.Variable, pos: token.pos };
      case Tok.Int:
        kind = ValueKind.IntValue;
        break;
      case Tok.Float:
        kind = ValueKind.FloatValue;
        break;
      case Tok.String:
        kind = ValueKind.StringValue;
        break;
      case Tok.BlockString:
        kind = ValueKind.BlockValue;
        break;
      case Tok.Name:
        kind = token.value === 'true' || token.value === 'false' ? ValueKind.BooleanValue : token.value === 'null' ? ValueKind.NullValue : ValueKind.EnumValue;
        break;
      default:
        return this.unexpected();
    }
    this.next();
    return { Raw: token.value, Children: [], Kind: kind, pos: token.pos };
  }

  private parseList(isConst: boolean): GValue {
    const values: GChildValue[] = [];
    const pos = this.peekPos();
    this.many(Tok.BracketL, Tok.BracketR, () => {
      values.push({ Name: '', Value: this.parseValueLiteral(isConst) });
    });
    return { Raw: '', Children: values, Kind: ValueKind.ListValue, pos };
  }

  private parseObject(isConst: boolean): GValue {
    const fields: GChildValue[] = [];
    const pos = this.peekPos();
    this.many(Tok.BraceL, Tok.BraceR, () => {
      const fpos = this.peekPos();
      const name = this.parseName();
      this.expect(Tok.Colon);
      fields.push({ Name: name, Value: this.parseValueLiteral(isConst), pos: fpos });
    });
    return { Raw: '', Children: fields, Kind: ValueKind.ObjectValue, pos };
  }

  parseDirectives(isConst: boolean): GDirective[] {
    const out: GDirective[] = [];
    while (this.peek().kind === Tok.At) {
      this.expect(Tok.At);
      const pos = this.peekPos();
      const name = this.parseName();
      out.push({ Name: name, Arguments: this.parseArguments(isConst), Location: '', pos });
    }
    return out;
  }

  parseArguments(isConst: boolean): GArgument[] {
    const args: GArgument[] = [];
    this.many(Tok.ParenL, Tok.ParenR, () => {
      const pos = this.peekPos();
      const name = this.parseName();
      this.expect(Tok.Colon);
      args.push({ Name: name, Value: this.parseValueLiteral(isConst), pos });
    });
    return args;
  }

  parseTypeReference(): GType {
    const t: GType = { NamedType: '', Elem: null, NonNull: false };
    if (this.skip(Tok.BracketL)) {
      t.pos = this.peekPos();
      t.Elem = this.parseTypeReference();
      this.expect(Tok.BracketR);
    } else {
      t.pos = this.peekPos();
      t.NamedType = this.parseName();
    }
    if (this.skip(Tok.Bang)) t.NonNull = true;
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  parseQueryDocument(): GQueryDocument {
    const doc: GQueryDocument = { Operations: [], Fragments: [] };
    while (this.peek().kind !== Tok.EOF) {
      const tok = this.peek();
      if (tok.kind === Tok.Name) {
        if (tok.value === 'query' || tok.value === 'mutation' || tok.value === 'subscription') doc.Operations.push(this.parseOperationDefinition());
        else if (tok.value === 'fragment') doc.Fragments.push(this.parseFragmentDefinition());
        else this.unexpected();
      } else if (tok.kind === Tok.BraceL) doc.Operations.push(this.parseOperationDefinition());
      else this.unexpected();
    }
    return doc;
  }

  private parseOperationDefinition(): GOperation {
    const pos = this.peekPos();
    if (this.peek().kind === Tok.BraceL) {
      return { Operation: 'query', Name: '', VariableDefinitions: [], Directives: [], SelectionSet: this.parseRequiredSelectionSet(), pos };
    }
    const op: GOperation = { Operation: this.parseOperationType(), Name: '', VariableDefinitions: [], Directives: [], SelectionSet: [], pos };
    if (this.peek().kind === Tok.Name) op.Name = this.next().value;
    op.VariableDefinitions = this.parseVariableDefinitions();
    op.Directives = this.parseDirectives(false);
    op.SelectionSet = this.parseRequiredSelectionSet();
    return op;
  }

  private parseVariableDefinitions(): GVariableDefinition[] {
    const defs: GVariableDefinition[] = [];
    this.many(Tok.ParenL, Tok.ParenR, () => {
      const pos = this.peekPos();
      const variable = this.parseVariable();
      this.expect(Tok.Colon);
      const type = this.parseTypeReference();
      const def: GVariableDefinition = { Variable: variable, Type: type, DefaultValue: null, Directives: [], pos };
      if (this.skip(Tok.Equals)) def.DefaultValue = this.parseValueLiteral(true);
      def.Directives = this.parseDirectives(false);
      defs.push(def);
    });
    return defs;
  }

  private parseSelections(): GSelection[] {
    const out: GSelection[] = [];
    this.some(Tok.BraceL, Tok.BraceR, () => out.push(this.parseSelection()));
    return out;
  }

  private parseRequiredSelectionSet(): GSelection[] {
    if (this.peek().kind !== Tok.BraceL) this.error(this.peek(), `Expected ${Tok.BraceL}, found ${this.peek().kind}`);
    return this.parseSelections();
  }

  private parseSelection(): GSelection {
    if (this.peek().kind === Tok.Spread) return this.parseFragment();
    const pos = this.peekPos();
    const f: GField = { kind: 'Field', Alias: this.parseName(), Name: '', Arguments: [], Directives: [], SelectionSet: [], pos };
    f.Name = this.skip(Tok.Colon) ? this.parseName() : f.Alias;
    f.Arguments = this.parseArguments(false);
    f.Directives = this.parseDirectives(false);
    if (this.peek().kind === Tok.BraceL) f.SelectionSet = this.parseSelections();
    return f;
  }

  private parseFragment(): GSelection {
    this.expect(Tok.Spread);
    const peek = this.peek();
    if (peek.kind === Tok.Name && peek.value !== 'on') {
      const pos = this.peekPos();
      const name = this.parseFragmentName();
      return { kind: 'FragmentSpread', Name: name, Directives: this.parseDirectives(false), pos };
    }
    const pos = this.peekPos();
    let typeCondition = '';
    if (this.peek().value === 'on') {
      this.next();
      typeCondition = this.parseName();
    }
    const directives = this.parseDirectives(false);
    return { kind: 'InlineFragment', TypeCondition: typeCondition, Directives: directives, SelectionSet: this.parseRequiredSelectionSet(), pos };
  }

  private parseFragmentDefinition(): GFragment {
    const pos = this.peekPos();
    this.expectKeyword('fragment');
    const name = this.parseFragmentName();
    const vars = this.parseVariableDefinitions();
    this.expectKeyword('on');
    const typeCondition = this.parseName();
    const directives = this.parseDirectives(false);
    return { Name: name, VariableDefinition: vars, TypeCondition: typeCondition, Directives: directives, SelectionSet: this.parseRequiredSelectionSet(), pos };
  }

  private parseFragmentName(): string {
    if (this.peek().value === 'on') this.unexpected();
    return this.parseName();
  }

  // -------------------------------------------------------------------------------------------
  // Schemas

  parseSchemaDocument(): GSchemaDocument {
    const doc: GSchemaDocument = { Schema: [], SchemaExtension: [], Directives: [], Definitions: [], Extensions: [] };
    while (this.peek().kind !== Tok.EOF) {
      let description = '';
      if (this.peek().kind === Tok.BlockString || this.peek().kind === Tok.String) description = this.next().value;
      if (this.peek().kind !== Tok.Name) this.unexpected();
      switch (this.peek().value) {
        case 'scalar':
        case 'type':
        case 'interface':
        case 'union':
        case 'enum':
        case 'input':
          doc.Definitions.push(this.parseTypeSystemDefinition(description));
          break;
        case 'schema':
          doc.Schema.push(this.parseSchemaDefinition(description));
          break;
        case 'directive':
          doc.Directives.push(this.parseDirectiveDefinition(description));
          break;
        case 'extend':
          if (description !== '') this.unexpected(this.prev);
          this.parseTypeSystemExtension(doc);
          break;
        default:
          this.unexpected();
      }
    }
    return doc;
  }

  private parseDescription(): string {
    const t = this.peek();
    if (t.kind !== Tok.BlockString && t.kind !== Tok.String) return '';
    return this.next().value;
  }

  private definition(kind: string, description: string, pos: Pos): GDefinition {
    return { Kind: kind, Description: description, Name: '', Directives: [], Interfaces: [], Fields: [], Types: [], EnumValues: [], BuiltIn: false, pos };
  }

  private parseTypeSystemDefinition(description: string): GDefinition {
    const keyword = this.peek().value;
    this.expectKeyword(keyword);
    const kinds: Record<string, string> = { scalar: 'SCALAR', type: 'OBJECT', interface: 'INTERFACE', union: 'UNION', enum: 'ENUM', input: 'INPUT_OBJECT' };
    const def = this.definition(kinds[keyword]!, description, this.peekPos());
    def.Name = this.parseName();
    switch (keyword) {
      case 'type':
      case 'interface':
        def.Interfaces = this.parseImplementsInterfaces();
        def.Directives = this.parseDirectives(true);
        def.Fields = this.parseFieldsDefinition();
        break;
      case 'scalar':
        def.Directives = this.parseDirectives(true);
        break;
      case 'union':
        def.Directives = this.parseDirectives(true);
        def.Types = this.parseUnionMemberTypes();
        break;
      case 'enum':
        def.Directives = this.parseDirectives(true);
        def.EnumValues = this.parseEnumValuesDefinition();
        break;
      case 'input':
        def.Directives = this.parseDirectives(true);
        def.Fields = this.parseInputFieldsDefinition();
        break;
    }
    return def;
  }

  private parseSchemaDefinition(description: string): GSchemaDefinition {
    this.expectKeyword('schema');
    const def: GSchemaDefinition = { Description: description, Directives: [], OperationTypes: [], pos: this.peekPos() };
    def.Directives = this.parseDirectives(true);
    this.some(Tok.BraceL, Tok.BraceR, () => def.OperationTypes.push(this.parseOperationTypeDefinition()));
    return def;
  }

  private parseOperationTypeDefinition(): GOperationTypeDefinition {
    const pos = this.peekPos();
    const operation = this.parseOperationType();
    this.expect(Tok.Colon);
    return { Operation: operation, Type: this.parseName(), pos };
  }

  private parseImplementsInterfaces(): string[] {
    const types: string[] = [];
    if (this.peek().value === 'implements') {
      this.next();
      this.skip(Tok.Amp);
      types.push(this.parseName());
      while (this.skip(Tok.Amp)) types.push(this.parseName());
    }
    return types;
  }

  private parseFieldsDefinition(): GFieldDefinition[] {
    const defs: GFieldDefinition[] = [];
    this.some(Tok.BraceL, Tok.BraceR, () => {
      const pos = this.peekPos();
      const description = this.parseDescription();
      const name = this.parseName();
      const args = this.parseArgumentDefs();
      this.expect(Tok.Colon);
      const type = this.parseTypeReference();
      defs.push({ Description: description, Name: name, Arguments: args, DefaultValue: null, Type: type, Directives: this.parseDirectives(true), pos });
    });
    return defs;
  }

  private parseArgumentDefs(): GArgumentDefinition[] {
    const args: GArgumentDefinition[] = [];
    this.some(Tok.ParenL, Tok.ParenR, () => args.push(this.parseInputValueDef()));
    return args;
  }

  private parseInputValueDef(): GFieldDefinition {
    const pos = this.peekPos();
    const description = this.parseDescription();
    const name = this.parseName();
    this.expect(Tok.Colon);
    const type = this.parseTypeReference();
    let defaultValue: GValue | null = null;
    if (this.skip(Tok.Equals)) defaultValue = this.parseValueLiteral(true);
    return { Description: description, Name: name, Arguments: [], DefaultValue: defaultValue, Type: type, Directives: this.parseDirectives(true), pos };
  }

  private parseUnionMemberTypes(): string[] {
    const types: string[] = [];
    if (this.skip(Tok.Equals)) {
      this.skip(Tok.Pipe);
      types.push(this.parseName());
      while (this.skip(Tok.Pipe)) types.push(this.parseName());
    }
    return types;
  }

  private parseEnumValuesDefinition(): GEnumValueDefinition[] {
    const values: GEnumValueDefinition[] = [];
    this.some(Tok.BraceL, Tok.BraceR, () => {
      const pos = this.peekPos();
      const description = this.parseDescription();
      const name = this.parseName();
      values.push({ Description: description, Name: name, Directives: this.parseDirectives(true), pos });
    });
    return values;
  }

  private parseInputFieldsDefinition(): GFieldDefinition[] {
    const values: GFieldDefinition[] = [];
    this.some(Tok.BraceL, Tok.BraceR, () => values.push(this.parseInputValueDef()));
    return values;
  }

  private parseTypeSystemExtension(doc: GSchemaDocument) {
    this.expectKeyword('extend');
    const keyword = this.peek().value;
    switch (keyword) {
      case 'schema': {
        this.expectKeyword('schema');
        const def: GSchemaDefinition = { Description: '', Directives: [], OperationTypes: [], pos: this.peekPos() };
        def.Directives = this.parseDirectives(true);
        this.some(Tok.BraceL, Tok.BraceR, () => def.OperationTypes.push(this.parseOperationTypeDefinition()));
        if (def.Directives.length === 0 && def.OperationTypes.length === 0) this.unexpected();
        doc.SchemaExtension.push(def);
        return;
      }
      case 'scalar':
      case 'type':
      case 'interface':
      case 'union':
      case 'enum':
      case 'input': {
        this.expectKeyword(keyword);
        const kinds: Record<string, string> = { scalar: 'SCALAR', type: 'OBJECT', interface: 'INTERFACE', union: 'UNION', enum: 'ENUM', input: 'INPUT_OBJECT' };
        const def = this.definition(kinds[keyword]!, '', this.peekPos());
        def.Name = this.parseName();
        let empty: boolean;
        switch (keyword) {
          case 'scalar':
            def.Directives = this.parseDirectives(true);
            empty = def.Directives.length === 0;
            break;
          case 'type':
            def.Interfaces = this.parseImplementsInterfaces();
            def.Directives = this.parseDirectives(true);
            def.Fields = this.parseFieldsDefinition();
            empty = def.Interfaces.length === 0 && def.Directives.length === 0 && def.Fields.length === 0;
            break;
          case 'interface':
            def.Directives = this.parseDirectives(true);
            def.Fields = this.parseFieldsDefinition();
            empty = def.Directives.length === 0 && def.Fields.length === 0;
            break;
          case 'union':
            def.Directives = this.parseDirectives(true);
            def.Types = this.parseUnionMemberTypes();
            empty = def.Directives.length === 0 && def.Types.length === 0;
            break;
          case 'enum':
            def.Directives = this.parseDirectives(true);
            def.EnumValues = this.parseEnumValuesDefinition();
            empty = def.Directives.length === 0 && def.EnumValues.length === 0;
            break;
          default:
            def.Directives = this.parseDirectives(false);
            def.Fields = this.parseInputFieldsDefinition();
            empty = def.Directives.length === 0 && def.Fields.length === 0;
        }
        if (empty) this.unexpected();
        doc.Extensions.push(def);
        return;
      }
      default:
        this.unexpected();
    }
  }

  private parseDirectiveDefinition(description: string): GDirectiveDefinition {
    this.expectKeyword('directive');
    this.expect(Tok.At);
    const def: GDirectiveDefinition = { Description: description, Name: '', Arguments: [], Locations: [], IsRepeatable: false, pos: this.peekPos() };
    def.Name = this.parseName();
    def.Arguments = this.parseArgumentDefs();
    const peek = this.peek();
    if (peek.kind === Tok.Name && peek.value === 'repeatable') {
      def.IsRepeatable = true;
      this.next();
    }
    this.expectKeyword('on');
    this.skip(Tok.Pipe);
    def.Locations.push(this.parseDirectiveLocation());
    while (this.skip(Tok.Pipe)) def.Locations.push(this.parseDirectiveLocation());
    return def;
  }

  private parseDirectiveLocation(): string {
    const name = this.expect(Tok.Name);
    if (DIRECTIVE_LOCATIONS.has(name.value)) return name.value;
    return this.unexpected(name);
  }
}

export function parseQuery(input: string): GQueryDocument {
  return new Parser(input).parseQueryDocument();
}

export function parseSchema(input: string, builtIn = false): GSchemaDocument {
  const doc = new Parser(input).parseSchemaDocument();
  for (const d of doc.Definitions) d.BuiltIn = builtIn;
  for (const d of doc.Extensions) d.BuiltIn = builtIn;
  return doc;
}
