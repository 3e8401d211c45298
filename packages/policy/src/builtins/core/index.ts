import type { BuiltinDef } from '../types.ts';
import { aggregateBuiltins } from './aggregates.ts';
import { arrayBuiltins } from './arrays.ts';
import { bitsBuiltins } from './bits.ts';
import { castBuiltins } from './casts.ts';
import { encodingBuiltins } from './encoding.ts';
import { globBuiltins } from './glob.ts';
import { graphBuiltins } from './graph.ts';
import { jsonBuiltins } from './json.ts';
import { netBuiltins } from './net.ts';
import { numberBuiltins } from './numbers.ts';
import { objectBuiltins } from './objects.ts';
import { regexBuiltins } from './regex.ts';
import { semverBuiltins } from './semver.ts';
import { setBuiltins } from './sets.ts';
import { sprintfBuiltins } from './sprintf.ts';
import { stringBuiltins } from './strings.ts';
import { templateBuiltins } from './templates.ts';
import { typeBuiltins } from './types.ts';
import { unitBuiltins } from './units.ts';
import { urlBuiltins } from './urls.ts';
import { uuidBuiltins } from './uuid.ts';

// Strings, regex, glob, numbers, aggregates, arrays, objects, sets, types, encoding, json.*,
// units, semver, uuid, net.cidr*, urlquery, templates … (OPA's core builtins).
export const coreBuiltins: BuiltinDef[] = [
  ...numberBuiltins,
  ...aggregateBuiltins,
  ...arrayBuiltins,
  ...setBuiltins,
  ...typeBuiltins,
  ...castBuiltins,
  ...stringBuiltins,
  ...sprintfBuiltins,
  ...regexBuiltins,
  ...globBuiltins,
  ...encodingBuiltins,
  ...jsonBuiltins,
  ...objectBuiltins,
  ...unitBuiltins,
  ...semverBuiltins,
  ...uuidBuiltins,
  ...bitsBuiltins,
  ...graphBuiltins,
  ...netBuiltins,
  ...urlBuiltins,
  ...templateBuiltins,
];
