import { createStack, expect, signUp, test } from '../support/app.ts';

interface RunEvent {
  runId: string;
  stackId: string | null;
  state: string;
  at: string;
}

test("the account event stream announces every state change of the account's runs, to members only", async ({ page, browser }) => {
  const user = await signUp(page);
  await createStack(page, user, 'watched', { projectRoot: 'broken' });

  // Listen in the page (with the session cookie) until the run has failed.
  const events = page.evaluate(
    (slug) =>
      new Promise<{ ready: boolean; runs: RunEvent[] }>((resolve) => {
        const result = { ready: false, runs: [] as RunEvent[] };
        const source = new EventSource(`/api/accounts/${slug}/events`);
        const done = () => {
          source.close();
          resolve(result);
        };
        source.addEventListener('ready', () => {
          result.ready = true;
          document.body.dataset.accountStream = 'ready';
        });
        source.addEventListener('run', (e) => {
          const event = JSON.parse((e as MessageEvent<string>).data) as RunEvent;
          result.runs.push(event);
          if (event.state === 'FAILED') done();
        });
        setTimeout(done, 60_000);
      }),
    user.accountSlug,
  );
  await expect(page.locator('body[data-account-stream="ready"]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop();

  const { ready, runs } = await events;
  expect(ready).toBe(true);
  expect(runs.every((e) => e.runId === runId)).toBe(true);
  expect(runs.map((e) => e.state)).toEqual(expect.arrayContaining(['QUEUED', 'PREPARING', 'FAILED']));
  expect(runs.at(-1)?.state).toBe('FAILED');

  const other = await browser.newPage();
  await signUp(other);
  expect((await other.request.get(`/api/accounts/${user.accountSlug}/events`)).status()).toBe(404);
  await other.close();
});
