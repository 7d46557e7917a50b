/**
 * What the offline demo model writes for each node role. Replies are templates filled from the
 * prompt's labelled fields ("Task: …", "Revision: …") and a seed hashed from the task, so the same
 * input always yields the same text, and different tasks take different paths through the graphs.
 */

export const offlineRoles = [
  "outline",
  "check",
  "revise",
  "draft",
  "polish",
  "lodging",
  "activities",
  "food",
  "itinerary",
  "plan",
  "section",
  "compose",
  "generate",
  "evaluate",
  "improve",
  "agent",
] as const;
export type OfflineRole = (typeof offlineRoles)[number];

interface PromptFacts {
  task: string;
  title: string;
  seed: number;
  fields: Map<string, string>;
  /** The prompt's free text after its labelled fields: prior outputs the node builds on. */
  body: string;
}

type ReplyTemplate = (facts: PromptFacts) => string;

/** Writes the offline model's reply for a role, given the prompt's message texts (system first). */
export function composeOfflineReply(role: OfflineRole, messageTexts: string[]): string {
  const prompt = messageTexts.at(-1) ?? "";
  const facts = readPromptFacts(prompt);
  return templates[role](facts);
}

/** The task a prompt is about: its "Task:" field, or else its whole text. */
export function offlineTaskOf(prompt: string): string {
  return readPromptFacts(prompt).task;
}

/** How many outline revisions the offline reviewer wants before it passes (3 means never within the cap). */
export function offlineRevisionsWanted(task: string): number {
  return [1, 0, 1, 2, 3, 1][seedOf(task) % 6] ?? 1;
}

/** The offline evaluator's score for an attempt (1-based): it rises by two with every improvement. */
export function offlineScore(task: string, attempt: number): number {
  return Math.min(10, 3 + (seedOf(task) % 5) + 2 * (attempt - 1));
}

/** How many sections the offline planner splits a task into (2 to 5). */
export function offlineSectionCount(task: string): number {
  return 2 + (seedOf(task) % 4);
}

const sectionPool = [
  "Background and context",
  "The core idea",
  "How it works in practice",
  "Costs and trade-offs",
  "Risks and how to handle them",
  "Who benefits most",
  "What to measure",
  "Next steps",
];

const templates: Record<OfflineRole, ReplyTemplate> = {
  outline: ({ title, task }) => outlineFor(title, task, 0),
  revise: ({ title, task, fields }) => outlineFor(title, task, Number(fields.get("revision") ?? 1)),
  check: ({ task, fields }) => {
    const revision = Number(fields.get("revision") ?? 0);
    return revision >= offlineRevisionsWanted(task)
      ? "VERDICT: PASS\n\n- The outline has a clear arc from problem to takeaway.\n- Each section earns its place; nothing overlaps."
      : "VERDICT: FAIL\n\n- Say who the reader is and what they should do after reading.\n- Sections 2 and 3 overlap: merge them and add a concrete example.";
  },
  draft: ({ title, task }) =>
    [
      `# ${title}`,
      `Most people who ask about ${lower(task)} want one thing: a clear path from question to decision. This piece gives them that path.`,
      "## Why it matters",
      "The cost of getting this wrong is rarely visible at first. It shows up later as rework, missed deadlines and a team that no longer trusts the plan.",
      "## A concrete example",
      "Take a small team with a fixed budget. They start with the smallest version that could work, measure it for a week, and only then decide what to add.",
      "## What to do next",
      "Write down the one result you expect, pick the simplest way to check it, and set a date to look at the numbers.",
    ].join("\n\n"),
  polish: ({ body, title }) =>
    `${body.trim() || `# ${title}`}\n\n## Key takeaways\n\n- Start small and measure before you add.\n- Name the reader and the decision they face.\n- Put a date on the next review.`,
  lodging: ({ title }) =>
    `### Where to stay for ${title}\n\n- **Central guesthouse**: walkable to the sights, quiet at night.\n- **Riverside hotel**: pricier, but the views earn it.\n- **Budget hostel near the station**: easy arrivals and day trips.`,
  activities: ({ title }) =>
    `### What to do for ${title}\n\n- Morning walk through the old quarter before the crowds.\n- An afternoon museum or gallery, booked ahead.\n- Sunset from the best viewpoint, then a slow walk back.`,
  food: ({ title }) =>
    `### Where to eat for ${title}\n\n- Breakfast at the market stalls: cheap, fresh, fast.\n- A long lunch at a family-run place off the main street.\n- One special dinner; reserve it on day one.`,
  itinerary: ({ title }) =>
    `## Itinerary: ${title}\n\n**Day 1**: check in, old-quarter walk, market dinner.\n\n**Day 2**: museum in the morning, long lunch, sunset viewpoint.\n\n**Day 3**: a day trip by train, back for the special dinner.`,
  plan: ({ task }) => {
    const count = offlineSectionCount(task);
    const start = seedOf(task) % sectionPool.length;
    const titles = Array.from({ length: count }, (_, i) => sectionPool[(start + i) % sectionPool.length]);
    return `SECTIONS:\n${titles.map((sectionTitle, i) => `${i + 1}. ${sectionTitle}`).join("\n")}`;
  },
  section: ({ fields, task }) => {
    const heading = fields.get("section") ?? "Section";
    return `## ${heading}\n\nFor ${lower(task)}, ${lower(heading)} comes down to a few plain facts. Start from what is already known, name what is not, and keep each claim small enough to check.\n\nA useful test: could a newcomer act on this paragraph tomorrow? If not, it needs an example.`;
  },
  compose: ({ body, title }) =>
    `# ${title}\n\nThis report answers the question in a few short sections, each written on its own and joined here.\n\n${body.trim()}\n\n## In short\n\nThe sections above agree on one thing: start small, measure, and decide with the numbers in hand.`,
  generate: ({ title }) => pitchFor(title, 1),
  improve: ({ title, fields }) => pitchFor(title, Number(fields.get("attempt") ?? 2)),
  evaluate: ({ task, fields }) => {
    const score = offlineScore(task, Number(fields.get("attempt") ?? 1));
    const feedback =
      score >= 8
        ? "- Clear promise and a concrete proof point.\n- Tight enough to read in one breath."
        : "- Lead with the reader's problem, not the product.\n- Add one number that makes the claim concrete.\n- Cut the second sentence in half.";
    return `SCORE: ${score}/10\n\nFEEDBACK:\n${feedback}`;
  },
  // With tools bound the agent calls them (offline-tools.ts); this is its answer without any.
  agent: ({ task }) =>
    `I would answer "${task.trim()}" with my tools (a calculator, date arithmetic and a search of stepstream's docs), but none were given to me for this call, so I have no figures to offer.`,
};

function outlineFor(title: string, task: string, revision: number): string {
  const items = [
    `1. **The question**: what ${lower(task)} is really about`,
    "2. **Why now**: what changed and who feels it",
    "3. **A worked example**: one team, one week, one result",
    "4. **The takeaway**: the single next step for the reader",
  ];
  if (revision > 0)
    items.push(`5. **Reader check** (revision ${revision}): who reads this and what they do next`);
  return `# Outline: ${title}\n\n${items.join("\n")}`;
}

function pitchFor(title: string, attempt: number): string {
  const versions = [
    `**${title}**: a new way to get it done. It is fast, simple and made for everyone who needs it.`,
    `**${title}**: stop losing hours to the busywork. Teams using it finish the same work in half the time.`,
    `**${title}**: your problem, solved in an afternoon. Half the time, none of the busywork, and a result you can show on Friday.`,
  ];
  return versions[Math.min(attempt, versions.length) - 1] ?? versions[0] ?? "";
}

function readPromptFacts(prompt: string): PromptFacts {
  const fields = new Map<string, string>();
  const lines = prompt.split("\n");
  let index = 0;
  for (; index < lines.length; index++) {
    const match = /^([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(lines[index] ?? "");
    if (!match?.[1]) break;
    fields.set(match[1].trim().toLowerCase(), (match[2] ?? "").trim());
  }
  const task = fields.get("task") ?? prompt.trim();
  return { task, title: titleOf(task), seed: seedOf(task), fields, body: lines.slice(index).join("\n") };
}

/** FNV-1a: a small stable hash, so the same task always takes the same path. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text.trim().toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function titleOf(task: string): string {
  const words = task
    .replace(/[^\p{L}\p{N}\s'-]/gu, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
  if (words.length === 0) return "Untitled";
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(" ");
}

function lower(text: string): string {
  const trimmed = text.trim().replace(/[.!?]+$/, "");
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}
