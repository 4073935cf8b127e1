"""The pages: search (/), CPAM contacts (/contacts), embeddable search (/embed, /widget.js)."""
