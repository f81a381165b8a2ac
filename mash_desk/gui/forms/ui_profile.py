# source-sha256: f391eaae936221c4f2bdfa63f67700b6abc217feb3e46d8c5bca7ec5218cf3ee
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'profile.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QVBoxLayout,
    QWidget)

class Ui_ProfileForm(object):
    def setupUi(self, ProfileForm):
        if not ProfileForm.objectName():
            ProfileForm.setObjectName(u"ProfileForm")
        ProfileForm.setMinimumSize(QSize(460, 0))
        self.outerLayout = QVBoxLayout(ProfileForm)
        self.outerLayout.setObjectName(u"outerLayout")
        self.intro = QLabel(ProfileForm)
        self.intro.setObjectName(u"intro")
        self.intro.setWordWrap(True)

        self.outerLayout.addWidget(self.intro)

        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.nameLabel = QLabel(ProfileForm)
        self.nameLabel.setObjectName(u"nameLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameBox = QVBoxLayout()
        self.nameBox.setSpacing(2)
        self.nameBox.setObjectName(u"nameBox")
        self.nameEdit = QLineEdit(ProfileForm)
        self.nameEdit.setObjectName(u"nameEdit")

        self.nameBox.addWidget(self.nameEdit)

        self.nameError = QLabel(ProfileForm)
        self.nameError.setObjectName(u"nameError")
        self.nameError.setWordWrap(True)

        self.nameBox.addWidget(self.nameError)


        self.form.setLayout(0, QFormLayout.ItemRole.FieldRole, self.nameBox)

        self.hostLabel = QLabel(ProfileForm)
        self.hostLabel.setObjectName(u"hostLabel")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.hostLabel)

        self.hostBox = QVBoxLayout()
        self.hostBox.setSpacing(2)
        self.hostBox.setObjectName(u"hostBox")
        self.hostEdit = QLineEdit(ProfileForm)
        self.hostEdit.setObjectName(u"hostEdit")

        self.hostBox.addWidget(self.hostEdit)

        self.hostHint = QLabel(ProfileForm)
        self.hostHint.setObjectName(u"hostHint")
        self.hostHint.setWordWrap(True)

        self.hostBox.addWidget(self.hostHint)

        self.hostError = QLabel(ProfileForm)
        self.hostError.setObjectName(u"hostError")
        self.hostError.setWordWrap(True)

        self.hostBox.addWidget(self.hostError)


        self.form.setLayout(1, QFormLayout.ItemRole.FieldRole, self.hostBox)

        self.portLabel = QLabel(ProfileForm)
        self.portLabel.setObjectName(u"portLabel")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.portLabel)

        self.portBox = QVBoxLayout()
        self.portBox.setSpacing(2)
        self.portBox.setObjectName(u"portBox")
        self.portEdit = QLineEdit(ProfileForm)
        self.portEdit.setObjectName(u"portEdit")

        self.portBox.addWidget(self.portEdit)

        self.portError = QLabel(ProfileForm)
        self.portError.setObjectName(u"portError")
        self.portError.setWordWrap(True)

        self.portBox.addWidget(self.portError)


        self.form.setLayout(2, QFormLayout.ItemRole.FieldRole, self.portBox)

        self.databaseLabel = QLabel(ProfileForm)
        self.databaseLabel.setObjectName(u"databaseLabel")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.databaseLabel)

        self.databaseBox = QVBoxLayout()
        self.databaseBox.setSpacing(2)
        self.databaseBox.setObjectName(u"databaseBox")
        self.databaseEdit = QLineEdit(ProfileForm)
        self.databaseEdit.setObjectName(u"databaseEdit")

        self.databaseBox.addWidget(self.databaseEdit)

        self.databaseError = QLabel(ProfileForm)
        self.databaseError.setObjectName(u"databaseError")
        self.databaseError.setWordWrap(True)

        self.databaseBox.addWidget(self.databaseError)


        self.form.setLayout(3, QFormLayout.ItemRole.FieldRole, self.databaseBox)

        self.userLabel = QLabel(ProfileForm)
        self.userLabel.setObjectName(u"userLabel")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.userLabel)

        self.userBox = QVBoxLayout()
        self.userBox.setSpacing(2)
        self.userBox.setObjectName(u"userBox")
        self.userEdit = QLineEdit(ProfileForm)
        self.userEdit.setObjectName(u"userEdit")

        self.userBox.addWidget(self.userEdit)

        self.userError = QLabel(ProfileForm)
        self.userError.setObjectName(u"userError")
        self.userError.setWordWrap(True)

        self.userBox.addWidget(self.userError)


        self.form.setLayout(4, QFormLayout.ItemRole.FieldRole, self.userBox)

        self.caLabel = QLabel(ProfileForm)
        self.caLabel.setObjectName(u"caLabel")

        self.form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.caLabel)

        self.sslrootcertBox = QVBoxLayout()
        self.sslrootcertBox.setSpacing(2)
        self.sslrootcertBox.setObjectName(u"sslrootcertBox")
        self.caRow = QHBoxLayout()
        self.caRow.setObjectName(u"caRow")
        self.caEdit = QLineEdit(ProfileForm)
        self.caEdit.setObjectName(u"caEdit")

        self.caRow.addWidget(self.caEdit)

        self.caBrowseButton = QPushButton(ProfileForm)
        self.caBrowseButton.setObjectName(u"caBrowseButton")
        self.caBrowseButton.setAutoDefault(False)

        self.caRow.addWidget(self.caBrowseButton)


        self.sslrootcertBox.addLayout(self.caRow)

        self.sslrootcertHint = QLabel(ProfileForm)
        self.sslrootcertHint.setObjectName(u"sslrootcertHint")
        self.sslrootcertHint.setWordWrap(True)

        self.sslrootcertBox.addWidget(self.sslrootcertHint)

        self.sslrootcertError = QLabel(ProfileForm)
        self.sslrootcertError.setObjectName(u"sslrootcertError")
        self.sslrootcertError.setWordWrap(True)

        self.sslrootcertBox.addWidget(self.sslrootcertError)


        self.form.setLayout(5, QFormLayout.ItemRole.FieldRole, self.sslrootcertBox)

        self.sslmodeLabel = QLabel(ProfileForm)
        self.sslmodeLabel.setObjectName(u"sslmodeLabel")

        self.form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.sslmodeLabel)

        self.sslmodeBox = QVBoxLayout()
        self.sslmodeBox.setSpacing(2)
        self.sslmodeBox.setObjectName(u"sslmodeBox")
        self.sslmodeCombo = QComboBox(ProfileForm)
        self.sslmodeCombo.setObjectName(u"sslmodeCombo")

        self.sslmodeBox.addWidget(self.sslmodeCombo)

        self.sslmodeError = QLabel(ProfileForm)
        self.sslmodeError.setObjectName(u"sslmodeError")
        self.sslmodeError.setWordWrap(True)

        self.sslmodeBox.addWidget(self.sslmodeError)


        self.form.setLayout(6, QFormLayout.ItemRole.FieldRole, self.sslmodeBox)


        self.outerLayout.addLayout(self.form)

        self.status = QLabel(ProfileForm)
        self.status.setObjectName(u"status")
        self.status.setWordWrap(True)

        self.outerLayout.addWidget(self.status)

        self.buttons = QDialogButtonBox(ProfileForm)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.outerLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.hostLabel.setBuddy(self.hostEdit)
        self.portLabel.setBuddy(self.portEdit)
        self.databaseLabel.setBuddy(self.databaseEdit)
        self.userLabel.setBuddy(self.userEdit)
        self.caLabel.setBuddy(self.caEdit)
        self.sslmodeLabel.setBuddy(self.sslmodeCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nameEdit, self.hostEdit)
        QWidget.setTabOrder(self.hostEdit, self.portEdit)
        QWidget.setTabOrder(self.portEdit, self.databaseEdit)
        QWidget.setTabOrder(self.databaseEdit, self.userEdit)
        QWidget.setTabOrder(self.userEdit, self.caEdit)
        QWidget.setTabOrder(self.caEdit, self.caBrowseButton)
        QWidget.setTabOrder(self.caBrowseButton, self.sslmodeCombo)
        QWidget.setTabOrder(self.sslmodeCombo, self.buttons)

        self.retranslateUi(ProfileForm)

        QMetaObject.connectSlotsByName(ProfileForm)
    # setupUi

    def retranslateUi(self, ProfileForm):
        ProfileForm.setWindowTitle(QCoreApplication.translate("ProfileForm", u"Add database server", None))
        self.intro.setText(QCoreApplication.translate("ProfileForm", u"The shared PostgreSQL server this computer signs in to. The password is not kept here: you type it when you sign in, and may keep it in the system keyring.", None))
        self.nameLabel.setText(QCoreApplication.translate("ProfileForm", u"Profile &name:", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Profile name", None))
#endif // QT_CONFIG(accessibility)
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("ProfileForm", u"e.g. Council MASH server", None))
        self.nameError.setText("")
        self.hostLabel.setText(QCoreApplication.translate("ProfileForm", u"Server &host:", None))
#if QT_CONFIG(accessibility)
        self.hostEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Server host", None))
#endif // QT_CONFIG(accessibility)
        self.hostEdit.setPlaceholderText(QCoreApplication.translate("ProfileForm", u"host name or IP address", None))
        self.hostHint.setText(QCoreApplication.translate("ProfileForm", u"Several hosts (a primary and its standbys) separated by commas: MASH Desk signs in to the one that accepts changes.", None))
        self.hostError.setText("")
        self.portLabel.setText(QCoreApplication.translate("ProfileForm", u"&Port:", None))
#if QT_CONFIG(accessibility)
        self.portEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Port", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.portEdit.setToolTip(QCoreApplication.translate("ProfileForm", u"One port for every host, or one per host separated by commas", None))
#endif // QT_CONFIG(tooltip)
        self.portError.setText("")
        self.databaseLabel.setText(QCoreApplication.translate("ProfileForm", u"&Database:", None))
#if QT_CONFIG(accessibility)
        self.databaseEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Database name", None))
#endif // QT_CONFIG(accessibility)
        self.databaseError.setText("")
        self.userLabel.setText(QCoreApplication.translate("ProfileForm", u"Database &user:", None))
#if QT_CONFIG(accessibility)
        self.userEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Database user", None))
#endif // QT_CONFIG(accessibility)
        self.userError.setText("")
        self.caLabel.setText(QCoreApplication.translate("ProfileForm", u"&CA certificate:", None))
#if QT_CONFIG(accessibility)
        self.caEdit.setAccessibleName(QCoreApplication.translate("ProfileForm", u"CA certificate", None))
#endif // QT_CONFIG(accessibility)
        self.caEdit.setPlaceholderText(QCoreApplication.translate("ProfileForm", u"full path of the CA's .crt or .pem file", None))
        self.caBrowseButton.setText(QCoreApplication.translate("ProfileForm", u"B&rowse\u2026", None))
#if QT_CONFIG(accessibility)
        self.caBrowseButton.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Choose the CA certificate file", None))
#endif // QT_CONFIG(accessibility)
        self.sslrootcertHint.setText(QCoreApplication.translate("ProfileForm", u"The certificate of the authority that signed the server's certificate. With it the server is checked fully (SSL mode verify-full).", None))
        self.sslrootcertError.setText("")
        self.sslmodeLabel.setText(QCoreApplication.translate("ProfileForm", u"&SSL mode:", None))
#if QT_CONFIG(accessibility)
        self.sslmodeCombo.setAccessibleName(QCoreApplication.translate("ProfileForm", u"SSL mode", None))
#endif // QT_CONFIG(accessibility)
        self.sslmodeError.setText("")
        self.status.setText("")
#if QT_CONFIG(accessibility)
        self.status.setAccessibleName(QCoreApplication.translate("ProfileForm", u"Problem saving the profile", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

