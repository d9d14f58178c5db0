"""Digital signatures on the FINAL PDF: its two empty signature fields (``fields.py``), signing
them with a PKCS#12 file or a smartcard (``sign.py``), and checking them (``verify.py``)."""
