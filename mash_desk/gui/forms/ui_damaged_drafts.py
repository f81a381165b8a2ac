# source-sha256: 2cc2a440c0b645ee30cc9a93a897b7b9b2dc2a4fc2db87d55e7ec61b32647bee
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'damaged_drafts.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QHBoxLayout, QLabel, QPushButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

from mash_desk.gui.meeting.reading_pane import ReadingPane

class Ui_DamagedDraftsDialog(object):
    def setupUi(self, DamagedDraftsDialog):
        if not DamagedDraftsDialog.objectName():
            DamagedDraftsDialog.setObjectName(u"DamagedDraftsDialog")
        DamagedDraftsDialog.setMinimumSize(QSize(560, 380))
        self.outerLayout = QVBoxLayout(DamagedDraftsDialog)
        self.outerLayout.setObjectName(u"outerLayout")
        self.message = QLabel(DamagedDraftsDialog)
        self.message.setObjectName(u"message")
        self.message.setWordWrap(True)

        self.outerLayout.addWidget(self.message)

        self.advice = QLabel(DamagedDraftsDialog)
        self.advice.setObjectName(u"advice")
        self.advice.setWordWrap(True)

        self.outerLayout.addWidget(self.advice)

        self.recoveredLabel = QLabel(DamagedDraftsDialog)
        self.recoveredLabel.setObjectName(u"recoveredLabel")

        self.outerLayout.addWidget(self.recoveredLabel)

        self.recoveredText = ReadingPane(DamagedDraftsDialog)
        self.recoveredText.setObjectName(u"recoveredText")

        self.outerLayout.addWidget(self.recoveredText)

        self.buttonRow = QHBoxLayout()
        self.buttonRow.setObjectName(u"buttonRow")
        self.copyButton = QPushButton(DamagedDraftsDialog)
        self.copyButton.setObjectName(u"copyButton")

        self.buttonRow.addWidget(self.copyButton)

        self.buttonSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonRow.addItem(self.buttonSpacer)

        self.buttons = QDialogButtonBox(DamagedDraftsDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.Close)

        self.buttonRow.addWidget(self.buttons)


        self.outerLayout.addLayout(self.buttonRow)

#if QT_CONFIG(shortcut)
        self.recoveredLabel.setBuddy(self.recoveredText)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.recoveredText, self.copyButton)

        self.retranslateUi(DamagedDraftsDialog)

        QMetaObject.connectSlotsByName(DamagedDraftsDialog)
    # setupUi

    def retranslateUi(self, DamagedDraftsDialog):
        DamagedDraftsDialog.setWindowTitle(QCoreApplication.translate("DamagedDraftsDialog", u"Saved drafts that could not be read \u2014 MASH Desk", None))
        self.message.setText(QCoreApplication.translate("DamagedDraftsDialog", u"One saved draft could not be read; its text has been kept for you to copy.", None))
        self.advice.setText(QCoreApplication.translate("DamagedDraftsDialog", u"Copy what you need into a new contact (Ctrl+N). The damaged file was moved out of the way, so it will not be offered again.", None))
        self.recoveredLabel.setText(QCoreApplication.translate("DamagedDraftsDialog", u"&Recovered text:", None))
#if QT_CONFIG(accessibility)
        self.recoveredText.setAccessibleName(QCoreApplication.translate("DamagedDraftsDialog", u"Recovered text", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.recoveredText.setAccessibleDescription(QCoreApplication.translate("DamagedDraftsDialog", u"What could be read from the damaged drafts, read only; select and copy it", None))
#endif // QT_CONFIG(accessibility)
        self.copyButton.setText(QCoreApplication.translate("DamagedDraftsDialog", u"&Copy all the text", None))
#if QT_CONFIG(accessibility)
        self.copyButton.setAccessibleName(QCoreApplication.translate("DamagedDraftsDialog", u"Copy all the recovered text", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

