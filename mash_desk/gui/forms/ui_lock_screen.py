# source-sha256: a185e3092a50f1ff7cfb892d79ff22393de1500654000db8da30bf502cfaf8c8
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'lock_screen.ui'
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
from PySide6.QtWidgets import (QApplication, QFrame, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_LockScreenForm(object):
    def setupUi(self, LockScreenForm):
        if not LockScreenForm.objectName():
            LockScreenForm.setObjectName(u"LockScreenForm")
        LockScreenForm.resize(800, 600)
        self.outerLayout = QVBoxLayout(LockScreenForm)
        self.outerLayout.setObjectName(u"outerLayout")
        self.topSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.outerLayout.addItem(self.topSpacer)

        self.panel = QFrame(LockScreenForm)
        self.panel.setObjectName(u"panel")
        self.panel.setMinimumSize(QSize(520, 0))
        self.panel.setMaximumSize(QSize(520, 16777215))
        self.panelLayout = QVBoxLayout(self.panel)
        self.panelLayout.setSpacing(10)
        self.panelLayout.setObjectName(u"panelLayout")
        self.heading = QLabel(self.panel)
        self.heading.setObjectName(u"heading")
        self.heading.setStyleSheet(u"font-size: 18pt; font-weight: bold;")
        self.heading.setAlignment(Qt.AlignCenter)

        self.panelLayout.addWidget(self.heading)

        self.explanation = QLabel(self.panel)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignCenter)

        self.panelLayout.addWidget(self.explanation)

        self.demoNote = QLabel(self.panel)
        self.demoNote.setObjectName(u"demoNote")
        self.demoNote.setWordWrap(True)
        self.demoNote.setAlignment(Qt.AlignCenter)

        self.panelLayout.addWidget(self.demoNote)

        self.passwordLabel = QLabel(self.panel)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.panelLayout.addWidget(self.passwordLabel)

        self.password = QLineEdit(self.panel)
        self.password.setObjectName(u"password")
        self.password.setEchoMode(QLineEdit.Password)

        self.panelLayout.addWidget(self.password)

        self.message = QLabel(self.panel)
        self.message.setObjectName(u"message")
        self.message.setWordWrap(True)

        self.panelLayout.addWidget(self.message)

        self.unlockButton = QPushButton(self.panel)
        self.unlockButton.setObjectName(u"unlockButton")

        self.panelLayout.addWidget(self.unlockButton)


        self.outerLayout.addWidget(self.panel, 0, Qt.AlignHCenter)

        self.bottomSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.outerLayout.addItem(self.bottomSpacer)

#if QT_CONFIG(shortcut)
        self.passwordLabel.setBuddy(self.password)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.password, self.unlockButton)

        self.retranslateUi(LockScreenForm)

        self.unlockButton.setDefault(True)


        QMetaObject.connectSlotsByName(LockScreenForm)
    # setupUi

    def retranslateUi(self, LockScreenForm):
#if QT_CONFIG(accessibility)
        LockScreenForm.setAccessibleName(QCoreApplication.translate("LockScreenForm", u"MASH Desk is locked", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("LockScreenForm", u"MASH Desk is locked", None))
        self.explanation.setText(QCoreApplication.translate("LockScreenForm", u"Locked after a period without use. Your unsaved work is kept as it was.", None))
        self.demoNote.setText("")
        self.passwordLabel.setText(QCoreApplication.translate("LockScreenForm", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.password.setAccessibleName(QCoreApplication.translate("LockScreenForm", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.message.setText("")
        self.unlockButton.setText(QCoreApplication.translate("LockScreenForm", u"&Unlock", None))
    # retranslateUi

