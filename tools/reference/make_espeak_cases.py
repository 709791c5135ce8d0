#!/usr/bin/env python3
"""Write Tests/KokoroTextTests/Data/espeak_cases.tsv: misaki 0.9.4's espeak path on a fixed list.

Each row is `kind<TAB>language<TAB>text<TAB>expected`:
  fallback  misaki EspeakFallback (English out-of-vocabulary words), language "en-us" or "en-gb"
  g2p       misaki EspeakG2P (version None), language = the espeak voice ("es", "fr-fr", ...)
  ipa       phonemizer EspeakBackend(preserve_punctuation=True, with_stress=True, tie='^').phonemize
            alone (keep-flags, as the fallback uses it): edge cases of the punctuation handling
Fields escape backslash, tab and newline as \\\\, \\t and \\n; a None result is written as <None>.

The expected values come from the SYSTEM libespeak-ng (the one libkokoro dlopens), not the copy in
espeakng_loader that misaki picks at import: espeak-ng versions differ in their output. Run with:

    .venv-ref/bin/python tools/reference/make_espeak_cases.py
"""
from __future__ import annotations

import argparse
import os
import sys

import misaki.espeak as misaki_espeak  # sets espeakng_loader's library; overridden just below
import phonemizer
from phonemizer.backend.espeak.wrapper import EspeakWrapper

SYSTEM_LIBRARY = '/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1'
SYSTEM_DATA = '/usr/lib/x86_64-linux-gnu/espeak-ng-data'

# Out-of-vocabulary words as misaki's English G2P would hand them over (one token each): names,
# loanwords, accents, apostrophes, hyphens, capitals, digits mixed in.
FALLBACK_WORDS = [
    'Zyzzyva', 'Kubernetes', 'Nakamura', 'Xochitl', 'Anaïs', 'Dvořák', 'Przybylski', 'Nguyen',
    'Tchaikovsky', 'Szczecin', 'Worcestershire', 'Llanfair', 'Siobhan', 'Aoife', 'Saoirse',
    'Björk', 'Øresund', 'Kraków', 'Reykjavík', 'Gdańsk', 'São', 'Müller', 'Schrödinger',
    'Ljubljana', 'Tsitsipas', 'Quetzalcoatl', 'Huitzilopochtli', 'Popocatépetl', 'Mbappé',
    'Ngozi', 'Oluwaseun', 'Chimamanda', 'Thiruvananthapuram', 'Nietzsche', 'Giuseppe',
    'Wojciech', 'Yevgeny', 'Zhuangzi', 'Xi', 'Fjord', 'hmm', 'brrr', 'tsk', 'Bjarne',
    "O'Shaughnessy", 'Jean-Luc', 'GPU', 'iPhone', 'x86', 'naïveté', 'crème', 'Ærø',
    'button', 'little', 'better', 'bottle', 'curtain', 'cotton', 'water', 'butter',
    'hour', 'poor', 'tour', 'here', 'there', 'nurse', 'bird', 'go', 'home', 'data',
]

# Sentences per EspeakG2P language: punctuation, numbers, quotes, parentheses, accents, and English
# loanwords (espeak-ng switches language for those: the "(en)" flags misaki removes).
G2P_SENTENCES = {
    'es': [
        'Hola, ¿cómo estás?',
        '¡Qué día tan bonito! El niño juega en el jardín.',
        'Tengo 25 años y vivo en la calle 3, piso 2.',
        'Ella dijo: «Mañana llegaré a las 10:30».',
        'El precio (con impuestos) es de 1.250 euros.',
        'Pingüino, cigüeña y acción; ¡excelente!',
        '"Don Quijote" fue escrito por Miguel de Cervantes en 1605.',
        'Sí... no sé; quizás — tal vez — mañana.',
        'Me gusta el fútbol y el rock and roll.',
        'El software es gratis; vamos al shopping.',
    ],
    'fr-fr': [
        'Bonjour, comment allez-vous ?',
        "J'aime le football et le week-end.",
        'Il a 42 ans et habite au 7, rue de la Paix.',
        'Elle a dit : « Je reviendrai demain ».',
        "L'été dernier (en 2019), nous sommes allés à Noël.",
        'Où est la bibliothèque ? Là-bas, à côté du café.',
        'Ça coûte 3,50 € ; c’est cher !',
        'Les œufs, les cœurs... et le maïs.',
        'Le smartphone est sur la table.',
        'Nous avons un meeting ce matin (à 9 h).',
    ],
    'hi': [
        'नमस्ते, आप कैसे हैं?',
        'मेरा नाम राम है।',
        'मैं 25 साल का हूँ।',
        'उसने कहा, "मैं कल आऊँगा।"',
        'भारत (इंडिया) एक बड़ा देश है।',
        'क्या आप हिंदी बोलते हैं? हाँ, थोड़ी-थोड़ी।',
        'आज 15 अगस्त है; स्वतंत्रता दिवस!',
        'दिल्ली, मुंबई और कोलकाता बड़े शहर हैं।',
        'मुझे football पसंद है।',
        'यह computer नया है, और phone भी।',
    ],
    'it': [
        'Ciao, come stai?',
        'Perché non vieni con noi? È già tardi!',
        'Ho 33 anni e abito in via Roma 12.',
        'Lei disse: «Arriverò domani».',
        'La città (più bella del mondo) è Firenze.',
        "L'università è aperta dalle 9 alle 18.",
        'Sì, però... non lo so; forse — chissà — domani.',
        '"Gli gnocchi" costano 8,50 euro.',
        'Il weekend è bellissimo.',
        'Il manager ha comprato un computer nuovo.',
    ],
    'pt-br': [
        'Olá, tudo bem?',
        'Não sei se ele vem amanhã; talvez à tarde.',
        'Eu tenho 27 anos e moro na rua 5, número 120.',
        'Ela disse: «Vou chegar às 8 horas».',
        'O coração (e a razão) estão em São Paulo.',
        'Você já comeu pão de queijo? É ótimo!',
        'Açúcar, maçã e avô... tudo é possível.',
        '"Saudade" é uma palavra difícil de traduzir — dizem.',
        'O show foi incrível!',
        'Vou fazer download do software.',
    ],
}

# Raw phonemizer output on the edges of its punctuation handling (keep-flags, en-us): nothing,
# only marks, only spaces, marks at the start, end and middle, runs of marks with spaces, a
# newline inside the text, doubled spaces, tabs, a no-break space, marks phonemizer does not know.
IPA_TEXTS = [
    '', ' ', '...', '?!', ' , ', '«»', 'hello', 'hello, my world!', '(hello) world',
    '“quoted” text', 'a, b; c: d. e! f? g', '... wait ...', 'one  two', 'one\ttwo',
    'one\ntwo', 'one\u00a0two', 'well — maybe … not', '¿qué? ¡sí!', 'x{y}[z]', 'a - b / c',
    "it's 3.14 and 1,000", 'Hello World. This is a second sentence! And a third?',
    '  leading and trailing  ', 'e.g. i.e. etc.', '#hashtag @user $5 50% & more',
]


def escape(field: str) -> str:
    return field.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')


class Token:
    """The one attribute of misaki's MToken that EspeakFallback reads."""

    def __init__(self, text: str):
        self.text = text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    parser.add_argument('--output', default=os.path.join(root, 'Tests', 'KokoroTextTests', 'Data', 'espeak_cases.tsv'))
    args = parser.parse_args()

    EspeakWrapper.set_library(SYSTEM_LIBRARY)
    EspeakWrapper.set_data_path(SYSTEM_DATA)

    rows = []
    for british, language in ((False, 'en-us'), (True, 'en-gb')):
        fallback = misaki_espeak.EspeakFallback(british=british)
        for word in FALLBACK_WORDS:
            phonemes, _ = fallback(Token(word))
            rows.append(('fallback', language, word, '<None>' if phonemes is None else phonemes))
        for word in ('', ' '):
            phonemes, _ = fallback(Token(word))
            rows.append(('fallback', language, word, '<None>' if phonemes is None else phonemes))

    for language, sentences in G2P_SENTENCES.items():
        g2p = misaki_espeak.EspeakG2P(language=language)
        for sentence in sentences + ['', '...', '(!)']:
            phonemes, _ = g2p(sentence)
            rows.append(('g2p', language, sentence, phonemes))

    backend = phonemizer.backend.EspeakBackend(
        language='en-us', preserve_punctuation=True, with_stress=True, tie='^')
    for text in IPA_TEXTS:
        result = backend.phonemize([text])
        rows.append(('ipa', 'en-us', text, result[0] if result else '<None>'))

    version = EspeakWrapper().version
    with open(args.output, 'w', encoding='utf-8', newline='\n') as output:
        output.write(f'# misaki 0.9.4 espeak path, system libespeak-ng {".".join(map(str, version))}; '
                     'made by tools/reference/make_espeak_cases.py\n')
        for row in rows:
            output.write('\t'.join(escape(field) for field in row) + '\n')
    print(f'wrote {len(rows)} rows to {args.output}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
