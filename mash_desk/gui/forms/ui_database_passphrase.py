# source-sha256: dcdb66aed1f8f3f4c16594354c23a46c696716fc651588744dd4c47469b367a6
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'database_passphrase.ui'
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
    QFormLayout, QLabel, QLineEdit, QSizePolicy,
    QVBoxLayout, QWidget)

class Ui_DatabasePassphraseForm(object):
    def setupUi(self, DatabasePassphraseForm):
        if not DatabasePassphraseForm.objectName():
            DatabasePassphraseForm.setObjectName(u"DatabasePassphraseForm")
        DatabasePassphraseForm.setMinimumSize(QSize(460, 0))
        self.outerLayout = QVBoxLayout(DatabasePassphraseForm)
        self.outerLayout.setObjectName(u"outerLayout")
        self.explanation = QLabel(DatabasePassphraseForm)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setWordWrap(True)

        self.outerLayout.addWidget(self.explanation)

        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.passphraseLabel = QLabel(DatabasePassphraseForm)
        self.passphraseLabel.setObjectName(u"passphraseLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.passphraseLabel)

        self.passphraseEdit = QLineEdit(DatabasePassphraseForm)
        self.passphraseEdit.setObjectName(u"passphraseEdit")
        self.passphraseEdit.setEchoMode(QLineEdit.Password)

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.passphraseEdit)

        self.repeatLabel = QLabel(DatabasePassphraseForm)
        self.repeatLabel.setObjectName(u"repeatLabel")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.repeatLabel)

        self.repeatEdit = QLineEdit(DatabasePassphraseForm)
        self.repeatEdit.setObjectName(u"repeatEdit")
        self.repeatEdit.setEchoMode(QLineEdit.Password)

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.repeatEdit)


        self.outerLayout.addLayout(self.form)

        self.message = QLabel(DatabasePassphraseForm)
        self.message.setObjectName(u"message")
        self.message.setWordWrap(True)

        self.outerLayout.addWidget(self.message)

        self.buttons = QDialogButtonBox(DatabasePassphraseForm)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.outerLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.passphraseLabel.setBuddy(self.passphraseEdit)
        self.repeatLabel.setBuddy(self.repeatEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.passphraseEdit, self.repeatEdit)

        self.retranslateUi(DatabasePassphraseForm)

        QMetaObject.connectSlotsByName(DatabasePassphraseForm)
    # setupUi

    def retranslateUi(self, DatabasePassphraseForm):
        DatabasePassphraseForm.setWindowTitle(QCoreApplication.translate("DatabasePassphraseForm", u"Database passphrase \u2014 MASH Desk", None))
        self.explanation.setText(QCoreApplication.translate("DatabasePassphraseForm", u"Type the passphrase of this computer's MASH Desk database.", None))
        self.passphraseLabel.setText(QCoreApplication.translate("DatabasePassphraseForm", u"&Passphrase:", None))
#if QT_CONFIG(accessibility)
        self.passphraseEdit.setAccessibleName(QCoreApplication.translate("DatabasePassphraseForm", u"Database passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.repeatLabel.setText(QCoreApplication.translate("DatabasePassphraseForm", u"&Repeat passphrase:", None))
#if QT_CONFIG(accessibility)
        self.repeatEdit.setAccessibleName(QCoreApplication.translate("DatabasePassphraseForm", u"Repeat the database passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.message.setText("")
#if QT_CONFIG(accessibility)
        self.message.setAccessibleName(QCoreApplication.translate("DatabasePassphraseForm", u"Passphrase message", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

