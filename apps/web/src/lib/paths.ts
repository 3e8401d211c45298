// URLs of the app's pages, in one place (see the API contract for the URL scheme).
export const paths = {
  stacks: (account: string) => `/${account}/stacks`,
  newStack: (account: string) => `/${account}/stacks/new`,
  stack: (account: string, stackId: string) => `/${account}/stacks/${stackId}`,
  stackTab: (account: string, stackId: string, tab: string) => `/${account}/stacks/${stackId}/${tab}`,
  run: (account: string, stackId: string, runId: string) => `/${account}/stacks/${stackId}/runs/${runId}`,
  settings: (account: string) => `/${account}/settings`,
  runEvents: (account: string, runId: string) => `/api/accounts/${encodeURIComponent(account)}/runs/${encodeURIComponent(runId)}/events`,
};
