"""The backend layer: models, the Backend protocol and its implementations. No Textual here."""
