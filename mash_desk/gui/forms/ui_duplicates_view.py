# source-sha256: f3870c2bbf4610a5f20a73ef07cbab20d9b3654f30ae7d8c94f9b7db1de5bb95
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'duplicates_view.ui'
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

class Ui_DuplicatesDialog(object):
    def setupUi(self, DuplicatesDialog):
        if not DuplicatesDialog.objectName():
            DuplicatesDialog.setObjectName(u"DuplicatesDialog")
        DuplicatesDialog.resize(1100, 600)
        self.mainLayout = QVBoxLayout(DuplicatesDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.hintLabel = QLabel(DuplicatesDialog)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.hintLabel)

        self.pairsTable = QTableView(DuplicatesDialog)
        self.pairsTable.setObjectName(u"pairsTable")
        self.pairsTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pairsTable.setTabKeyNavigation(False)
        self.pairsTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pairsTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pairsTable.setWordWrap(True)

        self.mainLayout.addWidget(self.pairsTable)

        self.keepLayout = QFormLayout()
        self.keepLayout.setObjectName(u"keepLayout")
        self.keepLabel = QLabel(DuplicatesDialog)
        self.keepLabel.setObjectName(u"keepLabel")

        self.keepLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.keepLabel)

        self.keepCombo = QComboBox(DuplicatesDialog)
        self.keepCombo.setObjectName(u"keepCombo")

        self.keepLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.keepCombo)


        self.mainLayout.addLayout(self.keepLayout)

        self.messageLabel = QLabel(DuplicatesDialog)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.messageLabel)

        self.buttonsLayout = QHBoxLayout()
        self.buttonsLayout.setObjectName(u"buttonsLayout")
        self.mergeButton = QPushButton(DuplicatesDialog)
        self.mergeButton.setObjectName(u"mergeButton")

        self.buttonsLayout.addWidget(self.mergeButton)

        self.refreshButton = QPushButton(DuplicatesDialog)
        self.refreshButton.setObjectName(u"refreshButton")

        self.buttonsLayout.addWidget(self.refreshButton)

        self.buttonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonsLayout.addItem(self.buttonsSpacer)

        self.closeButton = QPushButton(DuplicatesDialog)
        self.closeButton.setObjectName(u"closeButton")

        self.buttonsLayout.addWidget(self.closeButton)


        self.mainLayout.addLayout(self.buttonsLayout)

#if QT_CONFIG(shortcut)
        self.keepLabel.setBuddy(self.keepCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.pairsTable, self.keepCombo)
        QWidget.setTabOrder(self.keepCombo, self.mergeButton)
        QWidget.setTabOrder(self.mergeButton, self.refreshButton)
        QWidget.setTabOrder(self.refreshButton, self.closeButton)

        self.retranslateUi(DuplicatesDialog)

        QMetaObject.connectSlotsByName(DuplicatesDialog)
    # setupUi

    def retranslateUi(self, DuplicatesDialog):
        DuplicatesDialog.setWindowTitle(QCoreApplication.translate("DuplicatesDialog", u"Possible duplicate records", None))
#if QT_CONFIG(accessibility)
        DuplicatesDialog.setAccessibleName(QCoreApplication.translate("DuplicatesDialog", u"Possible duplicate records", None))
#endif // QT_CONFIG(accessibility)
        self.hintLabel.setText(QCoreApplication.translate("DuplicatesDialog", u"Pairs of records that may be one child, strongest match first. Choose a pair, choose the record to keep, then Merge: everything on the other record moves to the kept one, and the merge is audited with both identities.", None))
#if QT_CONFIG(accessibility)
        self.pairsTable.setAccessibleName(QCoreApplication.translate("DuplicatesDialog", u"Possible duplicate pairs", None))
#endif // QT_CONFIG(accessibility)
        self.keepLabel.setText(QCoreApplication.translate("DuplicatesDialog", u"&Keep this record:", None))
#if QT_CONFIG(accessibility)
        self.keepCombo.setAccessibleName(QCoreApplication.translate("DuplicatesDialog", u"Record to keep", None))
#endif // QT_CONFIG(accessibility)
        self.messageLabel.setText("")
        self.mergeButton.setText(QCoreApplication.translate("DuplicatesDialog", u"&Merge\u2026", None))
        self.refreshButton.setText(QCoreApplication.translate("DuplicatesDialog", u"&Refresh", None))
        self.closeButton.setText(QCoreApplication.translate("DuplicatesDialog", u"Close", None))
    # retranslateUi

