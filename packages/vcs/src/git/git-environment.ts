import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How to authenticate to a private repository. */
export type GitCredentials =
  | {
      kind: 'https-token';
      /** GitHub App installation tokens use `x-access-token` (the default). */
      username?: string;
      token: string;
    }
  | {
      kind: 'ssh-key';
      privateKey: string;
      /** known_hosts lines; when given, host keys are checked strictly, otherwise accepted on first use. */
      knownHosts?: string;
    };

export interface GitEnvironment {
  env: Record<string, string>;
  /** Temporary HOME of this git invocation; removed by `dispose`. */
  home: string;
  /** Values that must never appear in an error message (tokens). */
  secrets: string[];
  dispose(): Promise<void>;
}

const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Builds the complete environment for git: nothing is inherited from the worker, no system or global
 * configuration is read, prompts are off, and only plain transports are allowed. Configuration that
 * carries a secret travels in GIT_CONFIG_* variables rather than `-c` arguments, which any local user
 * could read in the process list.
 */
export async function createGitEnvironment(credentials?: GitCredentials): Promise<GitEnvironment> {
  const home = await mkdtemp(join(tmpdir(), 'gantry-git-'));
  const templateDir = join(home, 'template');
  const knownHostsFile = join(home, 'known_hosts');
  const config: Array<[string, string]> = [
    ['init.defaultBranch', 'main'],
    ['advice.detachedHead', 'false'],
    ['protocol.version', '2'],
    ['core.askPass', ''],
    ['credential.helper', ''],
  ];
  const secrets: string[] = [];
  const sshOptions = ['-o BatchMode=yes', `-o UserKnownHostsFile=${shellQuote(knownHostsFile)}`];

  if (credentials?.kind === 'https-token') {
    const username = credentials.username ?? 'x-access-token';
    const basic = Buffer.from(`${username}:${credentials.token}`).toString('base64');
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
    secrets.push(credentials.token, basic);
    await writeFile(knownHostsFile, '', { mode: 0o600 });
    sshOptions.push('-o StrictHostKeyChecking=accept-new');
  } else if (credentials?.kind === 'ssh-key') {
    const keyFile = join(home, 'id_key');
    const key = credentials.privateKey.endsWith('\n') ? credentials.privateKey : `${credentials.privateKey}\n`;
    await writeFile(keyFile, key, { mode: 0o600 });
    await writeFile(knownHostsFile, credentials.knownHosts ?? '', { mode: 0o600 });
    sshOptions.push(
      `-i ${shellQuote(keyFile)}`,
      '-o IdentitiesOnly=yes',
      `-o StrictHostKeyChecking=${credentials.knownHosts ? 'yes' : 'accept-new'}`,
    );
    secrets.push(credentials.privateKey);
  } else {
    await writeFile(knownHostsFile, '', { mode: 0o600 });
    sshOptions.push('-o StrictHostKeyChecking=accept-new');
  }

  const env: Record<string, string> = {
    PATH: SAFE_PATH,
    HOME: home,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TEMPLATE_DIR: templateDir,
    GIT_ALLOW_PROTOCOL: 'file:http:https:ssh:git',
    GIT_SSH_COMMAND: `ssh ${sshOptions.join(' ')}`,
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });

  return {
    env,
    home,
    secrets,
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}
