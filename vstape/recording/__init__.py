"""From a request and its response to a cassette interaction: redaction (:mod:`.redact`),
normalization (:mod:`.normalize`), the verdict and the interaction itself
(:mod:`.interaction`), and what a recording target must allow (:mod:`.target`).
"""
