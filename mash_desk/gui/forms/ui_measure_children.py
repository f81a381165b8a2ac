# source-sha256: bc9f93b1883ba2d362bdad29d01ec3a81c65a9b7cb2a5f8f70d050d88217ea78
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'measure_children.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog,
    QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QTableView,
    QVBoxLayout, QWidget)

class Ui_MeasureChildrenDialog(object):
    def setupUi(self, MeasureChildrenDialog):
        if not MeasureChildrenDialog.objectName():
            MeasureChildrenDialog.setObjectName(u"MeasureChildrenDialog")
        MeasureChildrenDialog.resize(820, 560)
        self.mainLayout = QVBoxLayout(MeasureChildrenDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.explanationLabel = QLabel(MeasureChildrenDialog)
        self.explanationLabel.setObjectName(u"explanationLabel")
        self.explanationLabel.setWordWrap(True)
        self.explanationLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.explanationLabel)

        self.fieldsLayout = QFormLayout()
        self.fieldsLayout.setObjectName(u"fieldsLayout")
        self.partLabel = QLabel(MeasureChildrenDialog)
        self.partLabel.setObjectName(u"partLabel")

        self.fieldsLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.partLabel)

        self.partCombo = QComboBox(MeasureChildrenDialog)
        self.partCombo.setObjectName(u"partCombo")

        self.fieldsLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.partCombo)


        self.mainLayout.addLayout(self.fieldsLayout)

        self.messageLabel = QLabel(MeasureChildrenDialog)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.messageLabel)

        self.childrenTable = QTableView(MeasureChildrenDialog)
        self.childrenTable.setObjectName(u"childrenTable")
        self.childrenTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.childrenTable.setTabKeyNavigation(False)
        self.childrenTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.childrenTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.childrenTable.setWordWrap(False)

        self.mainLayout.addWidget(self.childrenTable)

        self.buttonsLayout = QHBoxLayout()
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.buttonsSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonsLayout.addItem(self.buttonsSpacer)

        self.openButton = QPushButton(MeasureChildrenDialog)
        self.openButton.setObjectName(u"openButton")
        self.openButton.setEnabled(False)

        self.buttonsLayout.addWidget(self.openButton)

        self.closeButton = QPushButton(MeasureChildrenDialog)
        self.closeButton.setObjectName(u"closeButton")

        self.buttonsLayout.addWidget(self.closeButton)


        self.mainLayout.addLayout(self.buttonsLayout)

#if QT_CONFIG(shortcut)
        self.partLabel.setBuddy(self.partCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.partCombo, self.childrenTable)
        QWidget.setTabOrder(self.childrenTable, self.openButton)
        QWidget.setTabOrder(self.openButton, self.closeButton)

        self.retranslateUi(MeasureChildrenDialog)

        QMetaObject.connectSlotsByName(MeasureChildrenDialog)
    # setupUi

    def retranslateUi(self, MeasureChildrenDialog):
        MeasureChildrenDialog.setWindowTitle(QCoreApplication.translate("MeasureChildrenDialog", u"Children behind a figure", None))
#if QT_CONFIG(accessibility)
        MeasureChildrenDialog.setAccessibleName(QCoreApplication.translate("MeasureChildrenDialog", u"Children behind a figure", None))
#endif // QT_CONFIG(accessibility)
        self.explanationLabel.setText("")
        self.partLabel.setText(QCoreApplication.translate("MeasureChildrenDialog", u"&Show:", None))
#if QT_CONFIG(accessibility)
        self.partCombo.setAccessibleName(QCoreApplication.translate("MeasureChildrenDialog", u"Which children to list", None))
#endif // QT_CONFIG(accessibility)
        self.messageLabel.setText(QCoreApplication.translate("MeasureChildrenDialog", u"Loading\u2026", None))
#if QT_CONFIG(accessibility)
        self.messageLabel.setAccessibleDescription(QCoreApplication.translate("MeasureChildrenDialog", u"How many children are listed", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.childrenTable.setAccessibleName(QCoreApplication.translate("MeasureChildrenDialog", u"Children behind the figure", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.childrenTable.setAccessibleDescription(QCoreApplication.translate("MeasureChildrenDialog", u"Enter or double-click opens the child's case", None))
#endif // QT_CONFIG(accessibility)
        self.openButton.setText(QCoreApplication.translate("MeasureChildrenDialog", u"&Open case", None))
#if QT_CONFIG(accessibility)
        self.openButton.setAccessibleName(QCoreApplication.translate("MeasureChildrenDialog", u"Open the selected child's case", None))
#endif // QT_CONFIG(accessibility)
        self.closeButton.setText(QCoreApplication.translate("MeasureChildrenDialog", u"Close", None))
#if QT_CONFIG(accessibility)
        self.closeButton.setAccessibleName(QCoreApplication.translate("MeasureChildrenDialog", u"Close the list", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

