# source-sha256: cf34aa0abea1f45d8adf7004dec217406a149ab627f32d0cab83c3385384f1dd
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'find_child.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialog, QFormLayout,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QSpacerItem, QTableView,
    QVBoxLayout, QWidget)

class Ui_FindChildDialog(object):
    def setupUi(self, FindChildDialog):
        if not FindChildDialog.objectName():
            FindChildDialog.setObjectName(u"FindChildDialog")
        FindChildDialog.resize(980, 600)
        self.mainLayout = QVBoxLayout(FindChildDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.hintLabel = QLabel(FindChildDialog)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.hintLabel)

        self.fieldsLayout = QFormLayout()
        self.fieldsLayout.setObjectName(u"fieldsLayout")
        self.searchLabel = QLabel(FindChildDialog)
        self.searchLabel.setObjectName(u"searchLabel")

        self.fieldsLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.searchLabel)

        self.searchEdit = QLineEdit(FindChildDialog)
        self.searchEdit.setObjectName(u"searchEdit")
        self.searchEdit.setClearButtonEnabled(True)

        self.fieldsLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.searchEdit)

        self.dobLabel = QLabel(FindChildDialog)
        self.dobLabel.setObjectName(u"dobLabel")

        self.fieldsLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.dobLabel)

        self.dobEdit = QLineEdit(FindChildDialog)
        self.dobEdit.setObjectName(u"dobEdit")
        self.dobEdit.setMaxLength(10)

        self.fieldsLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.dobEdit)

        self.nhsLabel = QLabel(FindChildDialog)
        self.nhsLabel.setObjectName(u"nhsLabel")

        self.fieldsLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.nhsLabel)

        self.nhsEdit = QLineEdit(FindChildDialog)
        self.nhsEdit.setObjectName(u"nhsEdit")
        self.nhsEdit.setMaxLength(14)

        self.fieldsLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.nhsEdit)

        self.postcodeLabel = QLabel(FindChildDialog)
        self.postcodeLabel.setObjectName(u"postcodeLabel")

        self.fieldsLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.postcodeLabel)

        self.postcodeEdit = QLineEdit(FindChildDialog)
        self.postcodeEdit.setObjectName(u"postcodeEdit")
        self.postcodeEdit.setMaxLength(10)

        self.fieldsLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.postcodeEdit)


        self.mainLayout.addLayout(self.fieldsLayout)

        self.messageLabel = QLabel(FindChildDialog)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.messageLabel)

        self.resultsTable = QTableView(FindChildDialog)
        self.resultsTable.setObjectName(u"resultsTable")
        self.resultsTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.resultsTable.setTabKeyNavigation(False)
        self.resultsTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.resultsTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.resultsTable.setWordWrap(True)

        self.mainLayout.addWidget(self.resultsTable)

        self.buttonsLayout = QHBoxLayout()
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.findButton = QPushButton(FindChildDialog)
        self.findButton.setObjectName(u"findButton")

        self.buttonsLayout.addWidget(self.findButton)

        self.householdButton = QPushButton(FindChildDialog)
        self.householdButton.setObjectName(u"householdButton")

        self.buttonsLayout.addWidget(self.householdButton)

        self.buttonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonsLayout.addItem(self.buttonsSpacer)

        self.openButton = QPushButton(FindChildDialog)
        self.openButton.setObjectName(u"openButton")

        self.buttonsLayout.addWidget(self.openButton)

        self.closeButton = QPushButton(FindChildDialog)
        self.closeButton.setObjectName(u"closeButton")

        self.buttonsLayout.addWidget(self.closeButton)


        self.mainLayout.addLayout(self.buttonsLayout)

#if QT_CONFIG(shortcut)
        self.searchLabel.setBuddy(self.searchEdit)
        self.dobLabel.setBuddy(self.dobEdit)
        self.nhsLabel.setBuddy(self.nhsEdit)
        self.postcodeLabel.setBuddy(self.postcodeEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.searchEdit, self.dobEdit)
        QWidget.setTabOrder(self.dobEdit, self.nhsEdit)
        QWidget.setTabOrder(self.nhsEdit, self.postcodeEdit)
        QWidget.setTabOrder(self.postcodeEdit, self.findButton)
        QWidget.setTabOrder(self.findButton, self.resultsTable)
        QWidget.setTabOrder(self.resultsTable, self.openButton)
        QWidget.setTabOrder(self.openButton, self.householdButton)
        QWidget.setTabOrder(self.householdButton, self.closeButton)

        self.retranslateUi(FindChildDialog)

        self.findButton.setDefault(True)


        QMetaObject.connectSlotsByName(FindChildDialog)
    # setupUi

    def retranslateUi(self, FindChildDialog):
        FindChildDialog.setWindowTitle(QCoreApplication.translate("FindChildDialog", u"Find a child", None))
#if QT_CONFIG(accessibility)
        FindChildDialog.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"Find a child", None))
#endif // QT_CONFIG(accessibility)
        self.hintLabel.setText(QCoreApplication.translate("FindChildDialog", u"Any child the MASH has known, open or closed. Type a name (it is matched by sound), a date of birth, an NHS number or a postcode, and press Enter. Enter on a result opens the child's case.", None))
        self.searchLabel.setText(QCoreApplication.translate("FindChildDialog", u"&Search:", None))
#if QT_CONFIG(accessibility)
        self.searchEdit.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"Search: name, date of birth, NHS number or postcode", None))
#endif // QT_CONFIG(accessibility)
        self.searchEdit.setPlaceholderText(QCoreApplication.translate("FindChildDialog", u"Name, date of birth (dd/mm/yyyy), NHS number or postcode", None))
        self.dobLabel.setText(QCoreApplication.translate("FindChildDialog", u"Date of &birth (optional):", None))
#if QT_CONFIG(accessibility)
        self.dobEdit.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"Date of birth, optional, day/month/year", None))
#endif // QT_CONFIG(accessibility)
        self.dobEdit.setPlaceholderText(QCoreApplication.translate("FindChildDialog", u"dd/mm/yyyy", None))
        self.nhsLabel.setText(QCoreApplication.translate("FindChildDialog", u"&NHS number (optional):", None))
#if QT_CONFIG(accessibility)
        self.nhsEdit.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"NHS number, optional", None))
#endif // QT_CONFIG(accessibility)
        self.nhsEdit.setPlaceholderText(QCoreApplication.translate("FindChildDialog", u"10 digits", None))
        self.postcodeLabel.setText(QCoreApplication.translate("FindChildDialog", u"&Postcode (optional):", None))
#if QT_CONFIG(accessibility)
        self.postcodeEdit.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"Postcode, optional", None))
#endif // QT_CONFIG(accessibility)
        self.postcodeEdit.setPlaceholderText(QCoreApplication.translate("FindChildDialog", u"e.g. HA1 2XY", None))
        self.messageLabel.setText("")
#if QT_CONFIG(accessibility)
        self.resultsTable.setAccessibleName(QCoreApplication.translate("FindChildDialog", u"Children found", None))
#endif // QT_CONFIG(accessibility)
        self.findButton.setText(QCoreApplication.translate("FindChildDialog", u"&Find", None))
        self.householdButton.setText(QCoreApplication.translate("FindChildDialog", u"Same &household", None))
#if QT_CONFIG(tooltip)
        self.householdButton.setToolTip(QCoreApplication.translate("FindChildDialog", u"Find the children who live with the selected child", None))
#endif // QT_CONFIG(tooltip)
        self.openButton.setText(QCoreApplication.translate("FindChildDialog", u"&Open case", None))
        self.closeButton.setText(QCoreApplication.translate("FindChildDialog", u"Close", None))
    # retranslateUi

