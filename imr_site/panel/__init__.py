"""The review panel's case: every agency's chronology, people key and glossary merged into one
integrated multi-agency chronology, and the findings across agencies (codes PNL)."""
