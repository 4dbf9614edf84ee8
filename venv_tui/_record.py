"""Frozen-dataclass look-alikes for :mod:`venv_tui.model`, built at run time without importing
``dataclasses`` or ``typing``.

A type checker reads the model's classes as ``@dataclass(frozen=True)`` (``model.py`` imports
the real decorator under ``TYPE_CHECKING``); at run time :func:`record` completes the same class
in place with an ``__init__`` made from the annotations (in order, with the defaults), equality
and hashing over the compared fields, and a readable ``repr`` (no ``__slots__``: they would mean
making every class twice, most of the model's import time). Instances are
not written to after construction, as with a frozen dataclass; :func:`replace` makes changed
copies. This keeps a headless command's start-up to what it reads from disk.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_MISSING = object()


class Field:
    """What ``field(...)`` says about one attribute."""

    __slots__ = ("compare", "default", "default_factory")

    def __init__(self, default: object, default_factory: object, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(
    *,
    default: object = _MISSING,
    default_factory: object = _MISSING,
    compare: bool = True,
    hash: bool | None = None,  # accepted for the dataclass signature; compare decides
) -> object:
    return Field(default, default_factory, compare)


class _LiteralType:
    """``Literal["a", "b"]`` at run time: just the values, in order."""

    def __getitem__(self, values: object) -> tuple[object, ...]:
        return values if isinstance(values, tuple) else (values,)


Literal = _LiteralType()


class _FieldInfo:
    """Enough of ``dataclasses.Field`` for ``dataclasses.replace`` to work on a record, so code
    written for the dataclasses these once were keeps working."""

    __slots__ = ("_field_type", "default", "init", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.init = True
        self.default = _MISSING
        self._field_type = None


class Record:
    """The shared behaviour of every record class."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._compared)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({inner})"

    def __copy__(self) -> Record:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Record:
        return self

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (self.__class__, tuple(getattr(self, name) for name in self._fields))


class _DataclassFields:
    """``__dataclass_fields__`` of a record class, made when first asked for (by
    ``dataclasses.replace``): most runs never ask."""

    def __get__(self, obj: object, owner: type) -> dict[str, _FieldInfo]:
        made: dict[str, _FieldInfo] = {name: _FieldInfo(name) for name in owner._fields}  # type: ignore[attr-defined]
        owner.__dataclass_fields__ = made  # type: ignore[attr-defined]  # replaces this descriptor
        return made


_SHARED = ("_key", "__eq__", "__hash__", "__repr__", "__copy__", "__deepcopy__", "__reduce__")
_DATACLASS_FIELDS = _DataclassFields()


def record(cls: type | None = None, /, *, frozen: bool = True) -> object:
    """The class decorator (used as ``@record(frozen=True)``)."""

    def wrap(cls: type) -> type:
        # The class is completed in place rather than made again with ``__slots__``: making a
        # class is most of what importing the model costs, and every headless run imports it.
        own = cls.__dict__
        names = tuple(own.get("__annotations__", ()))
        cls._fields = names  # type: ignore[attr-defined]
        cls._compared = tuple(n for n in names if _compared(own.get(n, _MISSING)))  # type: ignore[attr-defined]
        cls.__init__ = _lazy_init(cls, names)  # type: ignore[misc]
        for name in _SHARED:
            setattr(cls, name, _RECORD_METHODS[name])
        cls.__dataclass_fields__ = _DATACLASS_FIELDS  # type: ignore[attr-defined]
        return cls

    return wrap if cls is None else wrap(cls)


_RECORD_METHODS = {name: Record.__dict__[name] for name in _SHARED}


def _compared(default: object) -> bool:
    return default.compare if isinstance(default, Field) else True


def _lazy_init(cls: type, names: tuple[str, ...]) -> Callable[..., None]:
    """An ``__init__`` that writes the real one on the first construction: most record classes
    are never made in a given run, and writing one costs a compile."""
    defaults = {name: cls.__dict__.get(name, _MISSING) for name in names}

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        real = _write_init(names, defaults)
        type(self).__init__ = real  # type: ignore[method-assign]
        real(self, *args, **kwargs)

    return __init__


def _write_init(names: tuple[str, ...], defaults: dict[str, object]) -> Callable[..., None]:
    params: list[str] = []
    body: list[str] = []
    scope: dict[str, object] = {"_MISSING": _MISSING}
    for name in names:
        default = defaults[name]
        if isinstance(default, Field):
            if default.default_factory is not _MISSING:
                scope[f"_f_{name}"] = default.default_factory
                params.append(f"{name}=_MISSING")
                body.append(f" if {name} is _MISSING: {name} = _f_{name}()")
                body.append(f" self.{name} = {name}")
                continue
            default = default.default
        if default is _MISSING:
            params.append(name)
        else:
            scope[f"_d_{name}"] = default
            params.append(f"{name}=_d_{name}")
        body.append(f" self.{name} = {name}")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or [" pass"])
    exec(source, scope)  # our own text, built from the class's own names
    made: Callable[..., None] = scope["__init__"]  # type: ignore[assignment]
    return made


def replace(obj: object, /, **changes: object) -> object:
    """A copy of ``obj`` with ``changes`` (``dataclasses.replace`` for records)."""
    fields: tuple[str, ...] = obj._fields  # type: ignore[attr-defined]
    values = {name: getattr(obj, name) for name in fields}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{obj.__class__.__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return obj.__class__(**values)
