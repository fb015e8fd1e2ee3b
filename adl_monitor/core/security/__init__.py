"""Keys and secrets: which API keys the app accepts (`key_acceptance.py`), the verdict of a
venue's permission endpoint (`key_verdict.py`), the credentials the process holds and
masks (`held_secrets.py`), and files only the user may read (`private_files.py`).
"""
