"""Where events go: one module per kind of destination, the settings that choose them, their secrets.

`settings.load_exporters()` is the only thing the engine needs from here; `editing` serves
`tit-app telemetry destination …`. Nothing here is imported by `import tit_app.telemetry`.
"""
