"""Small helpers over plain text, below everything but the messages (`i18n`): "did you mean …?" for a mistyped
name (`didyoumean`), and telephone numbers found whole in text and written as dialled (`phone`)."""
