/** The repository's Markdown (README.md and docs/**.md), its fenced code blocks and its links, for the doc tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers.js';

/** README.md and every .md under docs/, as paths relative to the repository root. */
export function markdownFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(relative(repoRoot, join(repoRoot, path)));
    }
  };
  walk('docs');
  return found.sort();
}

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** `<!-- from <path> -->` right before the block: the block is an excerpt of that file. */
  from?: string;
  /** `<!-- fragment -->` right before the block: an excerpt that is not meant to compile alone. */
  fragment: boolean;
}

/** The fenced code blocks of a Markdown file, with the marker comment on the line before each. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? lines[before]!.trim() : '';
    const from = /^<!-- from (\S+) -->$/.exec(marker)?.[1];
    blocks.push({
      file,
      line: start + 1,
      lang: open[1]!,
      code: lines.slice(start + 1, end).join('\n') + '\n',
      ...(from ? { from } : {}),
      fragment: /^<!-- fragment\b.*-->$/.test(marker),
    });
    i = end;
  }
  return blocks;
}

/** The text of a Markdown file with its fenced blocks and inline code blanked (line numbers kept). */
export function proseOf(file: string): string {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return text
    .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(`+)[^`\n]*?\1/g, (code) => ' '.repeat(code.length));
}

/** GitHub's anchors for the headings of a Markdown file (duplicates get -1, -2, …). */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = readFileSync(join(repoRoot, file), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const match of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = match[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of text.matchAll(/<a (?:name|id)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}
