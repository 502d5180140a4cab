"""The desktop shell: the only package that imports PyQt5."""
