"""Field types shared by the scenario schema modules."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# strict: a YAML `true` is not a number; ints are still accepted where floats are expected.
Prob = Annotated[float, Field(strict=True, ge=0.0, le=1.0, allow_inf_nan=False)]
Unit = Annotated[float, Field(strict=True, ge=0.0, le=1.0, allow_inf_nan=False)]
Signed = Annotated[float, Field(strict=True, ge=-1.0, le=1.0, allow_inf_nan=False)]
ActorId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Strict(BaseModel):
    """Base: unknown keys are errors, numbers are never NaN or infinite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=False)
