"""One editing widget per parameter declaration: spin boxes with the declared bounds, combos, check boxes.

Every editor shows a value with :meth:`ParamEditor.show_value` (without echoing it back) and emits
``edited(value)`` when the user asks for a new one; the inspector decides what happens with it.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from designer.core.params import (
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntListParam,
    IntParam,
    PaddingParam,
    Param,
)

_INT_LIMIT = 2**31 - 2
MIXED = "mixed"
"""What a field shows when the selected blocks have different values."""


def show_mixed_spin(spin: QSpinBox | QDoubleSpinBox) -> None:
    """Show ``mixed`` in a spin box, on its lowest value, without emitting a change."""
    spin.setSpecialValueText(MIXED)
    spin.blockSignals(True)
    spin.setValue(spin.minimum())
    spin.blockSignals(False)
    spin.update()


class ParamEditor(QWidget):
    """Base of the editors: a row widget with a value to show and an ``edited`` signal."""

    edited = Signal(object)

    def __init__(self, param: Param) -> None:
        super().__init__()
        self.param = param
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        tip = "<br>".join(
            part for part in (param.help, f"<i>{param.describe()}</i>" if param.describe() else "") if part
        )
        self.setToolTip(tip)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        """Display ``value``; ``resolved`` is what an automatic value currently works out to."""
        raise NotImplementedError

    def show_mixed(self) -> None:
        """Say that the selected blocks have different values; choosing one sets it on all of them."""
        raise NotImplementedError


class _AutoSpin(QSpinBox):
    """A spin box whose lowest value means automatic; stepping up from it starts at the automatic value."""

    def __init__(self) -> None:
        super().__init__()
        self.has_auto = False
        self.auto_value: int | None = None

    def stepBy(self, steps: int) -> None:
        if self.has_auto and self.value() == self.minimum() and steps > 0 and self.auto_value is not None:
            self.setValue(self.auto_value)
        else:
            super().stepBy(steps)


class IntEditor(ParamEditor):
    """A spin box; for inferred or optional parameters its lowest step means automatic."""

    def __init__(self, param: IntParam) -> None:
        super().__init__(param)
        self.spin = _AutoSpin()
        self.spin.setKeyboardTracking(False)
        self.spin.setAccelerated(True)
        low = -_INT_LIMIT if param.minimum is None else param.minimum
        self._has_auto = self.spin.has_auto = param.inferred or param.optional
        self._auto = low - 1
        self.spin.setRange(
            self._auto if self._has_auto else low, _INT_LIMIT if param.maximum is None else param.maximum
        )
        self._layout.addWidget(self.spin, 1)
        self.pin: QToolButton | None = None
        if param.inferred:
            self.pin = QToolButton()
            self.pin.setCheckable(True)
            self.pin.setAutoRaise(True)
            self.pin.clicked.connect(self._on_pin_clicked)
            self._layout.addWidget(self.pin)
        self._resolved: Any = None
        self.spin.valueChanged.connect(self._on_value_changed)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        self._resolved = self.spin.auto_value = resolved
        self.spin.setSpecialValueText(self._auto_text(resolved))
        if self.pin is not None:
            self.pin.show()
            self.pin.setChecked(value is not None)
            self.pin.setText("Unpin" if value is not None else "Pin")
            self.pin.setToolTip(
                "Infer this value from the input again"
                if value is not None
                else "Fix this value instead of inferring it from the input"
            )
        self.spin.blockSignals(True)
        self.spin.setValue(self._auto if value is None else value)
        self.spin.blockSignals(False)
        self.spin.update()

    def show_mixed(self) -> None:
        show_mixed_spin(self.spin)
        if self.pin is not None:
            self.pin.hide()

    def _auto_text(self, resolved: Any) -> str:
        if self.param.inferred:
            return "auto" if resolved is None else f"auto ({resolved})"
        if self.param.optional:
            return self.param.none_means or "none"
        return ""

    def _on_value_changed(self, value: int) -> None:
        self.edited.emit(None if self._has_auto and value == self._auto else value)

    def _on_pin_clicked(self, checked: bool) -> None:
        if not checked:
            self.edited.emit(None)
            return
        pinned = self._resolved if self._resolved is not None else self.param.default
        self.edited.emit(pinned if pinned is not None else self.spin.minimum() + 1)


class _FloatSpin(QDoubleSpinBox):
    """A double spin box that shows ``1e-05`` rather than ``0.00``."""

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        try:
            float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos


class FloatEditor(ParamEditor):
    def __init__(self, param: FloatParam) -> None:
        super().__init__(param)
        self.spin = _FloatSpin()
        self.spin.setKeyboardTracking(False)
        self.spin.setDecimals(12)
        self.spin.setRange(
            -1e12 if param.minimum is None else param.minimum, 1e12 if param.maximum is None else param.maximum
        )
        magnitude = abs(param.default) if isinstance(param.default, (int, float)) and param.default else 0.1
        self.spin.setSingleStep(min(0.1, 10 ** math.floor(math.log10(magnitude))))
        self._layout.addWidget(self.spin, 1)
        self.spin.valueChanged.connect(self.edited.emit)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        self.spin.setSpecialValueText("")
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)

    def show_mixed(self) -> None:
        show_mixed_spin(self.spin)


class BoolEditor(ParamEditor):
    def __init__(self, param: BoolParam) -> None:
        super().__init__(param)
        self.check = QCheckBox()
        self._layout.addWidget(self.check, 1)
        self.check.checkStateChanged.connect(self._on_state_changed)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        self.check.blockSignals(True)
        self.check.setTristate(False)
        self.check.setChecked(bool(value))
        self.check.blockSignals(False)

    def show_mixed(self) -> None:
        self.check.blockSignals(True)
        self.check.setCheckState(Qt.CheckState.PartiallyChecked)
        self.check.blockSignals(False)

    def _on_state_changed(self, state: Qt.CheckState) -> None:
        if state != Qt.CheckState.PartiallyChecked:  # a click on "mixed" checks it, for all
            self.check.setTristate(False)
            self.edited.emit(state == Qt.CheckState.Checked)


class ChoiceEditor(ParamEditor):
    def __init__(self, param: ChoiceParam) -> None:
        super().__init__(param)
        self.combo = QComboBox()
        self.combo.addItems(list(param.choices))
        self.combo.setPlaceholderText(MIXED)
        self._layout.addWidget(self.combo, 1)
        self.combo.textActivated.connect(self.edited.emit)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentText(str(value))
        self.combo.blockSignals(False)

    def show_mixed(self) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(-1)
        self.combo.blockSignals(False)


class TextEditor(ParamEditor):
    """A line edit for lists of numbers and padding; the parameter's own check parses the text."""

    def __init__(self, param: Param) -> None:
        super().__init__(param)
        self.line = QLineEdit()
        self.line.setPlaceholderText(param.describe())
        self._layout.addWidget(self.line, 1)
        self.line.editingFinished.connect(self._on_editing_finished)

    def show_value(self, value: Any, resolved: Any = None) -> None:
        self.line.setPlaceholderText(self.param.describe())
        text = ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        if self.line.text() != text:
            self.line.setText(text)

    def show_mixed(self) -> None:
        self.line.clear()
        self.line.setPlaceholderText(MIXED)

    def _on_editing_finished(self) -> None:
        if self.line.text() or self.line.placeholderText() != MIXED:
            self.edited.emit(self.line.text())


def editor_for(param: Param) -> ParamEditor:
    """The editing widget that suits ``param``'s declaration."""
    if isinstance(param, IntParam):
        return IntEditor(param)
    if isinstance(param, FloatParam):
        return FloatEditor(param)
    if isinstance(param, BoolParam):
        return BoolEditor(param)
    if isinstance(param, ChoiceParam):
        return ChoiceEditor(param)
    if isinstance(param, (IntListParam, PaddingParam)):
        return TextEditor(param)
    return TextEditor(param)
