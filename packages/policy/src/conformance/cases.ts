import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';

// Loading OPA's evaluator conformance cases (YAML). See SOURCE.md next to the data for the format.

export interface ConformanceCase {
  /** `v1/strings/test-foo.yaml` */
  file: string;
  /** Index of the case in its file. */
  index: number;
  /** `v0` or `v1`: the Rego version the modules are compiled with. */
  version: 'v0' | 'v1';
  /** Folder under the version directory (`strings`). */
  folder: string;
  note: string;
  query: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  inputTerm?: string;
  wantResult?: Record<string, unknown>[];
  wantError?: string;
  wantErrorCode?: string;
  strictError: boolean;
  sortBindings: boolean;
  experimentalKeywords: boolean;
}

export function loadCases(root: string): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const version of ['v0', 'v1'] as const) {
    const dir = join(root, version);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const folder of entries.sort()) {
      const fdir = join(dir, folder);
      if (!statSync(fdir).isDirectory()) continue;
      for (const name of readdirSync(fdir).sort()) {
        if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
        const path = join(fdir, name);
        // YAML 1.1 like Go's yaml.v2 (which OPA's loader uses); exact big integers.
        const doc = parseYaml(readFileSync(path, 'utf8'), { version: '1.1', intAsBigInt: true }) as { cases?: Record<string, unknown>[] };
        (doc?.cases ?? []).forEach((c, index) => {
          out.push({
            file: relative(root, path),
            index,
            version,
            folder,
            note: String(c.note ?? ''),
            query: String(c.query ?? ''),
            modules: (c.modules as string[] | undefined) ?? [],
            data: c.data,
            input: c.input,
            inputTerm: c.input_term as string | undefined,
            wantResult: c.want_result as Record<string, unknown>[] | undefined,
            wantError: c.want_error === undefined || c.want_error === null ? undefined : String(c.want_error),
            wantErrorCode: c.want_error_code as string | undefined,
            strictError: c.strict_error === true,
            sortBindings: c.sort_bindings === true,
            experimentalKeywords: c.experimental_keywords === true,
          });
        });
      }
    }
  }
  return out;
}
