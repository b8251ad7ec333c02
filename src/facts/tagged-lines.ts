// The gather's tagged sections ("TAG<TAB>rest" per line): one reader, so each parser only says what its tags mean.

export interface TaggedLine {
  tag: string;
  rest: string;
}

/** Every line of the form TAG<TAB>rest, in order, with a trailing CR dropped; lines without a tab are not tagged. */
export function* taggedLines(text: string): Generator<TaggedLine> {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    yield { tag: line.slice(0, tab), rest: line.slice(tab + 1) };
  }
}
