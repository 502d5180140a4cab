"""The Privacy page: the consent controls, the live queue with exact payloads, the catalog, your usage."""
