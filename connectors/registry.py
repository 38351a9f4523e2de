"""Platform name -> connector. One connector per platform; a second registration raises."""

from __future__ import annotations

from collections.abc import Callable

from connectors.base import Connector


class DuplicateConnector(ValueError):
    """A connector is already registered for this platform."""


class UnknownPlatform(KeyError):
    """No connector is registered for this platform."""


class Registry:
    """Holds one connector per platform name."""

    def __init__(self) -> None:
        self._connectors: dict[str, Connector] = {}

    def register(self, connector: Connector) -> Connector:
        """Add ``connector`` under ``connector.platform``; raise if that platform has one."""
        platform = connector.platform
        if platform in self._connectors:
            raise DuplicateConnector(
                f"Konektor untuk platform {platform!r} sudah terdaftar / "
                f"a connector for platform {platform!r} is already registered"
            )
        self._connectors[platform] = connector
        return connector

    def get(self, platform: str) -> Connector:
        """The connector for ``platform`` (``UnknownPlatform`` if none)."""
        try:
            return self._connectors[str(platform)]
        except KeyError:
            raise UnknownPlatform(f"Platform {platform!r} tidak dikenal / unknown platform {platform!r}") from None

    def platforms(self) -> list[str]:
        return sorted(self._connectors)

    def __contains__(self, platform: object) -> bool:
        return platform in self._connectors


def default_registry(
    *, graph_version: str | None = None, facebook_insights: bool = False, **options: object
) -> Registry:
    """A registry with the three real connectors (``options`` go to every constructor, e.g. timeouts;
    ``graph_version``, the configured Graph API version, and ``facebook_insights``, whether post
    insights (views, reach) are read, to the Facebook one)."""
    from connectors.facebook import FacebookConnector
    from connectors.instagram import InstagramConnector
    from connectors.x import XConnector

    registry = Registry()
    factories: list[Callable[..., Connector]] = [XConnector, FacebookConnector, InstagramConnector]
    own: dict[Callable[..., Connector], dict[str, object]] = {
        FacebookConnector: {
            "with_insights": facebook_insights,
            **({"graph_version": graph_version} if graph_version else {}),
        }
    }
    for factory in factories:
        registry.register(factory(**options, **own.get(factory, {})))
    return registry
