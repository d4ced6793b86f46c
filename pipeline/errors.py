"""The one error type every stage reports to editors."""
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class DataError:
    """A problem in an input file, located precisely enough to fix it."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class DataErrors(Exception):
    """Raised with every problem found, so an editor sees them all at once."""

    def __init__(self, errors: list[DataError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
