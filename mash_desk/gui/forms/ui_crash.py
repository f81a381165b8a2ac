# source-sha256: 4559b6ffc920962e5fda709a792531045b019632fd7d3133456119355f93d5d2
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'crash.ui'
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
    QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QVBoxLayout, QWidget)

class Ui_CrashDialog(object):
    def setupUi(self, CrashDialog):
        if not CrashDialog.objectName():
            CrashDialog.setObjectName(u"CrashDialog")
        CrashDialog.setMinimumSize(QSize(520, 260))
        self.outerLayout = QVBoxLayout(CrashDialog)
        self.outerLayout.setObjectName(u"outerLayout")
        self.heading = QLabel(CrashDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setWordWrap(True)

        self.outerLayout.addWidget(self.heading)

        self.reassurance = QLabel(CrashDialog)
        self.reassurance.setObjectName(u"reassurance")
        self.reassurance.setWordWrap(True)

        self.outerLayout.addWidget(self.reassurance)

        self.advice = QLabel(CrashDialog)
        self.advice.setObjectName(u"advice")
        self.advice.setWordWrap(True)

        self.outerLayout.addWidget(self.advice)

        self.detailsLayout = QFormLayout()
        self.detailsLayout.setObjectName(u"detailsLayout")
        self.referenceLabel = QLabel(CrashDialog)
        self.referenceLabel.setObjectName(u"referenceLabel")

        self.detailsLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.referenceLabel)

        self.referenceRow = QHBoxLayout()
        self.referenceRow.setObjectName(u"referenceRow")
        self.referenceEdit = QLineEdit(CrashDialog)
        self.referenceEdit.setObjectName(u"referenceEdit")
        self.referenceEdit.setReadOnly(True)

        self.referenceRow.addWidget(self.referenceEdit)

        self.copyButton = QPushButton(CrashDialog)
        self.copyButton.setObjectName(u"copyButton")

        self.referenceRow.addWidget(self.copyButton)


        self.detailsLayout.setLayout(0, QFormLayout.ItemRole.FieldRole, self.referenceRow)

        self.logFolderLabel = QLabel(CrashDialog)
        self.logFolderLabel.setObjectName(u"logFolderLabel")

        self.detailsLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.logFolderLabel)

        self.logFolderEdit = QLineEdit(CrashDialog)
        self.logFolderEdit.setObjectName(u"logFolderEdit")
        self.logFolderEdit.setReadOnly(True)

        self.detailsLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.logFolderEdit)


        self.outerLayout.addLayout(self.detailsLayout)

        self.buttons = QDialogButtonBox(CrashDialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.Close)

        self.outerLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.referenceLabel.setBuddy(self.referenceEdit)
        self.logFolderLabel.setBuddy(self.logFolderEdit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(CrashDialog)

        QMetaObject.connectSlotsByName(CrashDialog)
    # setupUi

    def retranslateUi(self, CrashDialog):
        CrashDialog.setWindowTitle(QCoreApplication.translate("CrashDialog", u"Something went wrong \u2014 MASH Desk", None))
        self.heading.setText(QCoreApplication.translate("CrashDialog", u"Something went wrong in MASH Desk.", None))
        self.reassurance.setText(QCoreApplication.translate("CrashDialog", u"Nothing you saved has been lost: saved records are in the database, and a form you are typing is kept as a draft every few seconds and offered again if the desk has to restart. If what you were doing did not finish, check it and try again.", None))
        self.advice.setText(QCoreApplication.translate("CrashDialog", u"Please give your administrator the reference number below: it finds the details in the desk's log, which holds no one's personal details.", None))
        self.referenceLabel.setText(QCoreApplication.translate("CrashDialog", u"&Reference number:", None))
#if QT_CONFIG(accessibility)
        self.referenceEdit.setAccessibleName(QCoreApplication.translate("CrashDialog", u"Reference number", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.referenceEdit.setAccessibleDescription(QCoreApplication.translate("CrashDialog", u"Give this to your administrator; read only, select and copy it", None))
#endif // QT_CONFIG(accessibility)
        self.copyButton.setText(QCoreApplication.translate("CrashDialog", u"&Copy", None))
#if QT_CONFIG(accessibility)
        self.copyButton.setAccessibleName(QCoreApplication.translate("CrashDialog", u"Copy the reference number", None))
#endif // QT_CONFIG(accessibility)
        self.logFolderLabel.setText(QCoreApplication.translate("CrashDialog", u"&Log folder:", None))
#if QT_CONFIG(accessibility)
        self.logFolderEdit.setAccessibleName(QCoreApplication.translate("CrashDialog", u"Log folder", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.logFolderEdit.setAccessibleDescription(QCoreApplication.translate("CrashDialog", u"Where the desk's log is on this computer; read only", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

