"""Making the outputs: the build the CLI and the plugin share (``build``), the site's generated
blocks and furniture (``site``), the PDF (``pdf``), the anonymised edition's gate (``editions``),
the offline bundle (``bundle``), a FINAL build's refusals (``final``) and manifest
(``manifest``), and a new case from the template (``new_case``)."""
