/** Reading a docs page's code, so that a test runs what the page shows. */
export interface CodeBlock {
  lang: string;
  code: string;
}

/** The text of `## title` up to the next `## ` heading. */
export function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`the page has no "## ${title}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Fenced code blocks (optionally of one language), indented ones included. */
export function codeBlocks(markdown: string, lang?: string): CodeBlock[] {
  const blocks = [...markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map(
    ([, , blockLang, code]) => ({ lang: blockLang, code }),
  );
  return lang ? blocks.filter((block) => block.lang === lang) : blocks;
}

/** Shell lines of a block: continuations joined, blank lines and comments dropped. */
export function shellLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
