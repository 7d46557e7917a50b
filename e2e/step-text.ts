import { expect, type Page } from "@playwright/test";

export interface StoredStepText {
  node: string;
  output: string;
}

/** A text's words in order: what rendering Markdown keeps of it. */
export const words = (text: string) => text.match(/[\p{L}\p{N}]+/gu) ?? [];

/** The run's steps as the server stored them, read as the page's visitor (its owner). */
export async function storedSteps(
  page: Page,
  baseUrl: string,
  runId: string | null,
): Promise<StoredStepText[]> {
  const response = await page.request.get(`${baseUrl}/api/runs/${runId}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { steps: StoredStepText[] }).steps;
}

/** Opens every step card: a finished step folds to its header, and folded text is not laid out. */
export async function openAllSteps(page: Page): Promise<void> {
  await page.getByTestId("step-details").evaluateAll((all) => {
    for (const details of all) (details as HTMLDetailsElement).open = true;
  });
}

/** Each step card shows, rendered, exactly the words the server stored for that step. */
export async function expectStepTextsAsStored(page: Page, steps: StoredStepText[]): Promise<void> {
  await openAllSteps(page);
  for (const step of steps) {
    const text = page.locator(`[data-testid=step-card][data-node="${step.node}"] [data-testid=step-text]`);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the breaks between rendered blocks, which textContent runs together
    expect(words(await text.innerText())).toEqual(words(step.output));
  }
}
