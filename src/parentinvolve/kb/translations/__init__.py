"""Content translations: `i18n/<lang>/<file>.yaml` beside the English content, applied over the built English
knowledge base, entry by entry, by id. (The program's own messages are gettext's: `parentinvolve.i18n`.)

A translation file is a list of entries, each with the English entry's `id`, the `source_hash` of the English
text it was made from (`source.fingerprint`), and only text fields, shaped as in the English file:

    - id: pcit
      source_hash: 3f1c0a9b2e7d
      name: Terapia de interacción entre padres e hijos (PCIT, por sus siglas en inglés)
      summary: ...
      what_it_is: [..., ...]            # a list of paragraphs, like the English
      aliases: [terapia de interacción]  # extra names for `explain`; the English ones keep working

Questions: `prompt`, `help`, `choices` (choice id -> label); therapies and moments their sections (therapies also
`attendance`: each age band's `weekly`); topics `sections` ({heading, text}), but `crisis` (made from crisis.yaml)
only `headings` and `audience`; rules `because`, `moments`, `confidentiality`, `prepare`, `why`; crisis.yaml an
entry `crisis` (message, safety_plan, warning_signs, pointer_signs) and one per region (name, lines [{name, contact}], steps), numbers kept.

An entry is used only when its `source_hash` matches the English text as it is now: a missing, stale or
malformed entry falls back to English, for that entry only, and `validate` names it; but an entry of the locked
safety set (kb/lock.py: crisis lines and steps, the locked rules and questions) is never shown in English
instead: a missing or stale one is an error, and a clinic's layer cannot translate one at all. Several folders can be
given (the shipped translations, then a clinic's own `i18n/`): a later folder's entry replaces an earlier one.

- `source.py`: the English text of each entry, as a translation gives it, and its fingerprint
- `files.py`: reading and checking the translation files of a language; the locked entries left untranslated
- `merge.py`: the up-to-date translations applied over the knowledge base, one kind of record at a time
- `clinic.py`: a clinic's own words in another language (`i18n/<lang>/clinic.yaml` in its layer)
- `status.py`: coverage and staleness for `validate`, and a skeleton file for translators
"""
