"""Text composed once: labels, source lines and attribution, rank wording, plain-language help, and escaping for
HTML, SVG and spreadsheet cells.
"""
