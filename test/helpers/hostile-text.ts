/** Text that has broken XML builders elsewhere: every field of every document we send must survive it. */
export const HOSTILE_TEXTS: ReadonlyArray<[string, string]> = [
  ['angle brackets', '<b>x</b> < >'],
  ['ampersands', 'A & B &amp; &#0; &unknown;'],
  ['quotes', `"it's" « » „“`],
  ['CDATA end', ']]> <![CDATA[ x ]]>'],
  ['comment and PI', '<!-- x --> <?xml x?>'],
  ['CR/LF and tabs', 'a\r\nb\nc\rd\te'],
  ['right-to-left marks', '\u200Fשלום\u200E \u202Eevil\u202C مرحبا'],
  ['emoji', 'Bureau 🚑🔥👩🏽‍🚒'],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate', 'a\uDC00b'],
  ['reversed pair', '\uDC00\uD800x'],
  ['control characters', '\u0000\u0001\u0007\u0008\u000B\u000C\u000E\u001F x'],
  ['U+FFFE and U+FFFF', 'x\uFFFE\uFFFFy'],
  ['only forbidden characters', '\u0000\uD800\uFFFF'],
  ['5000 characters', 'x'.repeat(5000)],
  ['5000 mixed characters', '<&"\'🚑\u0000]]>'.repeat(500)],
];
