"""Consultation reports: data snapshot (``data``), charts (``charts``), HTML/PDF/DOCX
rendering (``render``) and the writes (``services``)."""
