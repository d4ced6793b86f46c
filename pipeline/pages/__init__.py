"""The pages of the site by family, and the core they share (pipeline/render.py puts them together)."""
